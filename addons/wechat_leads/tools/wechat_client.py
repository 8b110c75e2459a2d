"""The WeChat official-account API through wechatpy, with the access token kept on the
account row: shared by every worker, refreshed under a row lock by one of them."""

import time

from wechatpy import WeChatClient
from wechatpy.session import SessionStorage

OFFICIAL_API = "https://api.weixin.qq.com/cgi-bin/"
TOKEN_MARGIN = 60  # seconds: a token this close to its expiry is refreshed first


class AccountTokenStorage(SessionStorage):
    """wechatpy session storage on ``wechat.account``: a copy in memory for the
    client's life, the row (read and written through cursors of their own) for
    every other worker."""

    def __init__(self, account):
        self.account = account
        self.cached = None  # (token, expires at, epoch seconds)
        self.writer = None  # set while the row is locked for a refresh

    def get(self, key, default=None):
        if not is_fresh(self.cached):
            self.cached = self.account._read_token()
        return self.cached[0] if is_fresh(self.cached) else default

    def set(self, key, value, ttl=None):
        self.cached = (value, int(time.time()) + int(ttl or 7200))
        (self.writer or self.account._store_token)(*self.cached)

    def delete(self, key):
        self.cached = None
        self.account._store_token(False, 0)


class AccountClient(WeChatClient):
    """WeChatClient on the account's API address (the official one, or a stand-in in tests)."""

    def __init__(self, account, timeout=None):
        timeout = timeout or account.env.context.get("wechat_timeout") or 4
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

    def fetch_access_token(self):
        """A new token, unless another worker stored a different one while we waited
        for the row lock (the one we hold may have just been refused as invalid)."""
        refused = self.session.cached[0] if self.session.cached else None
        with self._account._token_lock() as (current, writer):
            if is_fresh(current) and current[0] != refused:
                self.session.cached = current
                return {"access_token": current[0]}
            self.session.writer = writer
            try:
                return self._fetch_access_token(
                    url=f"{self.API_BASE_URL}token",
                    params={
                        "grant_type": "client_credential",
                        "appid": self.appid,
                        "secret": self.secret,
                    },
                )
            finally:
                self.session.writer = None


def is_fresh(entry):
    return bool(entry and entry[0] and entry[1] - time.time() > TOKEN_MARGIN)
