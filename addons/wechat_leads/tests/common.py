import logging
import time
import uuid
from contextlib import contextmanager

from wechatpy.crypto import WeChatCrypto

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import HttpCase

from odoo.addons.sales_pipeline.tests.common import SalesPipelineCase

from .wechat_stub import WechatStub, sign

TOKEN = "sp-wechat-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx_test_app_0001"
APP_SECRET = "S3cr3t-0f-the-app-7f1d2c"
# the loggers a WeChat call writes to: ours, wechatpy's, and the HTTP client's (URLs)
CALL_LOGGERS = ("odoo.addons.wechat_leads", "wechatpy", "urllib3", "requests")


class WechatCase(SalesPipelineCase, HttpCase):
    """An official account pointed at a WeChat stand-in on 127.0.0.1, and helpers to push to the
    callback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = WechatStub().start()
        cls.addClassCleanup(cls.stub.stop)
        cls.account = cls.env["wechat.account"].create(
            {
                "name": "Test account",
                "app_id": APP_ID,
                "app_secret": APP_SECRET,
                "token": TOKEN,
                "encoding_aes_key": AES_KEY,
                "encrypt_mode": "plain",
                "api_base_url": cls.stub.url,
                "conversion_trigger": "manual",
                "conversion_target": "scene_owner",
            }
        )
        cls.qrcode_a = cls.env["wechat.qrcode"].create(
            {"account_id": cls.account.id, "user_id": cls.rep_a.id, "scene": "rep_a"}
        )
        cls.Message = cls.env["wechat.message"]
        cls.Follower = cls.env["wechat.follower"]

    def setUp(self):
        super().setUp()
        self.stub.mode = None
        self.stub.calls.clear()
        self.stub.sent.clear()
        self.stub.followers.clear()
        self.stub.token_count, self.stub.valid_token = 0, None
        self.stub.valid_tokens.clear()
        self.stub.on_token = None

    # ------------------------------------------------------------------

    def callback_url(self, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"/wechat/callback/{self.account.app_id}?{query}"

    def signed(self, token=TOKEN):
        return self.signed_at(int(time.time()), token=token)

    def post(self, xml, params=None, encrypt=False):
        """POST ``xml`` to the callback as WeChat does (signed; AES-encrypted when ``encrypt``)."""
        params = params if params is not None else self.signed()
        body = xml.encode() if isinstance(xml, str) else xml
        if encrypt:
            crypto = WeChatCrypto(TOKEN, AES_KEY, self.account.app_id)
            encrypted = crypto.encrypt_message(xml, params["nonce"], params["timestamp"])
            msg_signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
            params = dict(params, encrypt_type="aes", msg_signature=msg_signature)
            body = encrypted.encode()
        self.env.flush_all()
        return self.url_open(
            self.callback_url(**params), data=body, headers={"Content-Type": "text/xml"}
        )

    def sync(self, **context):
        """Run the follower sync job as the scheduler does."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, context)
            env["wechat.account"]._cron_sync_followers()
        self.env.invalidate_all()

    def signed_at(self, timestamp, nonce=None, token=TOKEN):
        """The query WeChat signs, for a push sent at ``timestamp`` (epoch seconds)."""
        timestamp, nonce = str(timestamp), nonce or uuid.uuid4().hex[:10]
        return {"timestamp": timestamp, "nonce": nonce, "signature": sign(token, timestamp, nonce)}

    def another_connection(self):
        """A superuser environment on a connection of its own, closed after the test: what it
        commits, this test's snapshot does not see."""
        other_cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other_cr.close)
        return api.Environment(other_cr, SUPERUSER_ID, {})

    def another_request(self):
        """The environment of another request, on its own connection, and an account it made
        and committed (dropped after the test)."""
        other_env = self.another_connection()
        other_account = other_env["wechat.account"].create(
            {
                "name": "Other account",
                "app_id": "wx_other_request",
                "app_secret": "x",
                "token": "t",
                "encrypt_mode": "plain",
            }
        )
        other_env.cr.commit()

        def drop_other_account():
            other_env.cr.rollback()
            other_account.unlink()
            other_env.cr.commit()

        self.addCleanup(drop_other_account)
        return other_env, other_account

    def process_queue(self):
        """Run the message job as the scheduler does."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["wechat.message"]._cron_process()
        self.env.invalidate_all()

    def stored(self):
        self.env.invalidate_all()
        return self.Message.search([("account_id", "=", self.account.id)])

    @contextmanager
    def capture_logs(self, *names):
        """Every record (debug included) of the loggers ``names``, as the lines a log file
        would get: ``with self.capture_logs() as lines``."""
        lines = []
        handler = logging.Handler(logging.DEBUG)
        handler.emit = lambda record: lines.append(f"{record.name}: {record.getMessage()}")
        loggers = [logging.getLogger(name) for name in names or CALL_LOGGERS]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
        try:
            yield lines
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.removeHandler(handler)
                logger.setLevel(level)
