"""The WeChat official-account API through wechatpy, with the access token kept in
``wechat.account.token``: shared by every worker, fetched from WeChat with no row locked and
stored by compare-and-set (a worker that refreshed it meanwhile wins, nobody waits on the
network for another)."""

import time

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from .redact import install_log_filter, redact

OFFICIAL_API = "https://api.weixin.qq.com/cgi-bin/"
TOKEN_MARGIN = 60  # seconds: a token this close to its expiry is refreshed first
DEFAULT_TIMEOUT = 4  # seconds, for every request to WeChat, the token's included

# urllib3 logs (at debug level) the URLs it requests: WeChat's carry the secret or the token
install_log_filter()


class WechatApiError(WeChatClientException):
    """A failed WeChat call, described without the AppSecret or a token (no URL, no request
    kept): safe to log and to store for administrators."""

    def __init__(self, errcode, errmsg):
        super().__init__(errcode, errmsg)

    def __str__(self):
        if self.errcode is not None:
            return f"WeChat error {self.errcode}: {self.errmsg}"
        return str(self.errmsg)


class AccountTokenStorage(SessionStorage):
    """wechatpy session storage on ``wechat.account.token``: a copy in memory for the
    client's life, the row (read and written through cursors of their own) for every other
    worker."""

    def __init__(self, account):
        self.account = account
        self.cached = None  # (token, expires at, epoch seconds)

    def get(self, key, default=None):
        if not is_fresh(self.cached):
            self.cached = self.account._read_token()
        return self.cached[0] if is_fresh(self.cached) else default

    def set(self, key, value, ttl=None):
        expected = self.cached[0] if self.cached else None
        self.cached = (value, int(time.time()) + int(ttl or 7200))
        self.account._swap_token(expected, *self.cached)

    def delete(self, key):
        expected = self.cached[0] if self.cached else None
        self.cached = None
        self.account._swap_token(expected, None, 0)


class AccountClient(WeChatClient):
    """WeChatClient on the account's API address (the official one, or a stand-in in tests),
    whose errors never carry the request (its URL holds the AppSecret or the token)."""

    def __init__(self, account, timeout=None):
        timeout = timeout or account.env.context.get("wechat_timeout") or DEFAULT_TIMEOUT
        account = account.sudo()
        self.API_BASE_URL = account.api_base_url or OFFICIAL_API
        self._account = account
        super().__init__(
            account.app_id,
            account.app_secret,
            session=AccountTokenStorage(account),
            timeout=timeout,
            auto_retry=True,
        )

    def _request(self, method, url_or_endpoint, **kwargs):
        try:
            return super()._request(method, url_or_endpoint, **kwargs)
        except WechatApiError:
            raise
        except (WeChatClientException, requests.RequestException) as error:
            raise self._safe_error(error) from None

    def fetch_access_token(self):
        """The token another worker stored, unless it is the one WeChat just refused or it
        expires; else a new one from WeChat (no lock held meanwhile), stored unless another
        worker stored one first (then that one is used)."""
        refused = self.session.cached[0] if self.session.cached else None
        current = self._account._read_token()
        if is_fresh(current) and current[0] != refused:
            self.session.cached = current
            return {"access_token": current[0]}
        fetched = self._request_token()
        stored = self._account._swap_token(current[0] if current else None, *fetched)
        self.session.cached = stored if is_fresh(stored) else fetched
        return {"access_token": self.session.cached[0]}

    def _request_token(self):
        """(token, expires at) from WeChat's token API, within the client's timeout."""
        try:
            response = self._http.get(
                url=f"{self.API_BASE_URL}token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
                timeout=self.timeout,
            )
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as error:
            raise self._safe_error(error) from None
        if not isinstance(result, dict) or not result.get("access_token"):
            result = result if isinstance(result, dict) else {}
            raise WechatApiError(
                result.get("errcode", -1),
                redact(result.get("errmsg") or "no access_token in the answer", self.secret),
            )
        return result["access_token"], int(time.time()) + int(result.get("expires_in") or 7200)

    def _safe_error(self, error):
        """``error`` as a WechatApiError: WeChat's code and message, the HTTP status, or the
        kind of network failure, with any credential masked."""
        secrets = (self.secret, self.session.cached[0] if self.session.cached else None)
        if isinstance(error, WeChatClientException) and error.errcode is not None:
            return WechatApiError(error.errcode, redact(error.errmsg, *secrets))
        response = getattr(error, "response", None)
        if response is not None:
            return WechatApiError(
                None, f"HTTP {response.status_code} {response.reason or ''}".strip()
            )
        return WechatApiError(None, f"{type(error).__name__}: {redact(error, *secrets)}")


def is_fresh(entry):
    return bool(entry and entry[0] and entry[1] - time.time() > TOKEN_MARGIN)
