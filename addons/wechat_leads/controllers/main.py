import hmac
import logging
import re
import secrets
import time
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import WeChatSigner

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # WeChat pushes are a few hundred bytes
MAX_NONCE = 64  # WeChat's are about ten digits
# One answer for every request that is not WeChat's own: an unknown account, a bad or stale
# signature, a nonce seen already, a bad message signature (no hint of which it was).
FORBIDDEN = "forbidden"
UNKNOWN_TOKEN = secrets.token_hex(16)
UNSAFE_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class WechatCallback(http.Controller):
    """The URL entered as "server address" in the official account (服务器配置)."""

    @http.route(
        "/wechat/callback/<string:app_id>",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def verify(self, app_id, signature="", timestamp="", nonce="", echostr="", **kwargs):
        """The handshake: echo ``echostr`` back when the signature is ours and recent."""
        settings = request.env["wechat.account"].sudo()._callback_settings(app_id)
        refused = self._refused_query(settings, signature, timestamp, nonce)
        if refused:
            return self._forbidden(refused)
        return request.make_response(echostr, headers=[("Content-Type", "text/plain")])

    @http.route(
        "/wechat/callback/<string:app_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        # a route with auth="none" is read-only by default in Odoo 19: with a replica, each push
        # would be tried there first and then again on the primary
        readonly=False,
    )
    def receive(
        self,
        app_id,
        signature="",
        timestamp="",
        nonce="",
        msg_signature="",
        encrypt_type="",
        **kwargs,
    ):
        """Store the push once and answer at once; the queue job does the work."""
        settings = request.env["wechat.account"].sudo()._callback_settings(app_id)
        refused = self._refused_query(settings, signature, timestamp, nonce)
        if refused:
            return self._forbidden(refused)
        account_id, token, aes_key, mode, _window = settings
        body = self._body()
        if body is None:
            return self._reject(413, "body missing or too large")
        if UNSAFE_XML.search(body):
            return self._reject(400, "DTD or entity in XML")
        try:
            message = self._parse(body)
            # compatible mode: WeChat sends the message in clear and encrypted; only the
            # encrypted part is signed over the body (msg_signature), so only it is read
            if encrypt_type == "aes" or mode != "plain":
                if not self._signed(token, msg_signature, timestamp, nonce, message["Encrypt"]):
                    return self._forbidden("bad message signature")
                crypto = WeChatCrypto(token, aes_key, app_id)
                message = self._decrypt(crypto, body, msg_signature, timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException):
            return self._forbidden("bad message signature")
        except (ExpatError, ValueError, KeyError, TypeError) as error:
            return self._reject(400, f"malformed XML ({error.__class__.__name__})")
        if not message.get("FromUserName") or not message.get("MsgType"):
            return self._reject(400, "not a WeChat push")
        if not request.env["wechat.callback.nonce"].sudo()._claim(account_id, nonce, timestamp):
            return self._forbidden("nonce received already (replay)")
        request.env["wechat.message"].sudo()._store(account_id, message)
        return request.make_response("success", headers=[("Content-Type", "text/plain")])

    # ------------------------------------------------------------------

    @classmethod
    def _refused_query(cls, settings, signature, timestamp, nonce):
        """Why the signed query is not WeChat's, recent, for a known account; None if it is."""
        if not settings:
            # the same work as for a known account: the answer's timing tells nothing either
            cls._signed(UNKNOWN_TOKEN, signature, timestamp, nonce)
            return "unknown account"
        if not cls._signed(settings[1], signature, timestamp, nonce):
            return "bad signature"
        if len(nonce) > MAX_NONCE or not timestamp.isdigit():
            return "malformed timestamp or nonce"
        if abs(time.time() - int(timestamp)) > settings[4]:
            return "timestamp outside the push time window"
        return None

    @staticmethod
    def _signed(token, signature, timestamp, nonce, *parts):
        if not (token and signature and timestamp and nonce):
            return False
        # wechatpy's check_signature compares with ==; this does not leak timing
        signer = WeChatSigner()
        signer.add_data(token, timestamp, nonce, *parts)
        return hmac.compare_digest(signer.signature, signature)

    @staticmethod
    def _body():
        length = request.httprequest.content_length
        if not length or length > MAX_BODY:  # WeChat always sends a Content-Length
            return None
        return request.httprequest.get_data()

    @staticmethod
    def _parse(body):
        parsed = xmltodict.parse(body, disable_entities=True)
        message = parsed.get("xml") if isinstance(parsed, dict) else None
        if not isinstance(message, dict):
            raise ValueError("no <xml> root")
        return message

    def _decrypt(self, crypto, body, msg_signature, timestamp, nonce):
        plain = crypto.decrypt_message(body.decode(), msg_signature, timestamp, nonce)
        if UNSAFE_XML.search(plain.encode() if isinstance(plain, str) else plain):
            raise ValueError("DTD or entity in the decrypted XML")
        return self._parse(plain)

    @classmethod
    def _forbidden(cls, reason):
        return cls._reject(403, reason, answer=FORBIDDEN)

    @staticmethod
    def _reject(status, reason, answer=None):
        _logger.info("WeChat callback refused (%s): %s", status, reason)
        return request.make_response(
            answer or reason, status=status, headers=[("Content-Type", "text/plain")]
        )
