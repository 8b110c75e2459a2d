import time

from wechatpy.crypto import WeChatCrypto

from odoo.tests import tagged

from ..models.wechat_callback_nonce import MAX_WINDOW
from .common import AES_KEY, APP_ID, TOKEN, WechatCase
from .wechat_stub import push_xml, sign


@tagged("post_install", "-at_install")
class TestCallbackReplay(WechatCase):
    """A signed query seen in a proxy or a log cannot be used again (anonymous callers)."""

    def encrypted(self, xml, params):
        """(encrypted body, its msg_signature) as WeChat sends them for ``params``."""
        body = WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(
            xml, params["nonce"], params["timestamp"]
        )
        return body, body.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]

    def nonces(self):
        self.env.invalidate_all()
        return (
            self.env["wechat.callback.nonce"]
            .search([("account_id", "=", self.account.id)])
            .mapped("nonce")
        )

    def post_raw(self, body, **params):
        self.env.flush_all()
        return self.url_open(self.callback_url(**params), data=body.encode())

    def test_replayed_push_is_refused_whatever_its_body(self):
        params = self.signed()
        self.assertEqual(self.post(push_xml(Event="subscribe"), params=params).status_code, 200)
        again = self.post(push_xml(Event="subscribe"), params=params)
        forged = self.post(
            push_xml(openid="oForged", msg_type="text", Content="给我打五折", MsgId="666"),
            params=params,
        )
        self.assertEqual((again.status_code, again.text), (403, "forbidden"))
        self.assertEqual((forged.status_code, forged.text), (403, "forbidden"))
        self.assertEqual(self.stored().mapped("openid"), ["oUser0001"])

    def test_push_signed_outside_the_time_window_is_refused(self):
        now = int(time.time())
        for label, timestamp in (
            ("six minutes old", now - 360),
            ("two years old", now - 2 * 365 * 86400),
            ("ten minutes ahead", now + 600),
        ):
            with self.subTest(label):
                response = self.post(push_xml(Event="subscribe"), params=self.signed_at(timestamp))
                self.assertEqual((response.status_code, response.text), (403, "forbidden"))
        self.assertFalse(self.stored())
        self.assertFalse(self.nonces())
        recent = self.post(push_xml(Event="subscribe"), params=self.signed_at(now - 200))
        self.assertEqual(recent.status_code, 200, "within the default 300 s")
        self.account.push_window = 60
        older = self.post(
            push_xml(openid="oLate", Event="subscribe"), params=self.signed_at(now - 200)
        )
        self.assertEqual(older.status_code, 403, "the account's own window applies")
        self.assertEqual(self.stored().mapped("openid"), ["oUser0001"])

    def test_compatible_mode_refuses_a_bad_or_missing_message_signature(self):
        self.account.encrypt_mode = "compatible"
        params = self.signed()
        xml = push_xml(msg_type="text", Content="兼容模式", MsgId="501")
        body, msg_signature = self.encrypted(xml, params)
        _other_body, other_signature = self.encrypted(
            push_xml(msg_type="text", Content="另一条", MsgId="502"), params
        )
        for label, query in (
            ("forged", dict(params, encrypt_type="aes", msg_signature="0" * 40)),
            ("of another body", dict(params, encrypt_type="aes", msg_signature=other_signature)),
            ("missing", dict(params, encrypt_type="aes")),
            ("missing, no encrypt_type", params),
        ):
            with self.subTest(label):
                response = self.post_raw(body, **query)
                self.assertEqual((response.status_code, response.text), (403, "forbidden"))
        clear_only = self.post_raw(xml, **params)
        self.assertEqual(clear_only.status_code, 400, "compatible mode: the encrypted part is due")
        self.assertFalse(self.stored())
        # nothing was kept of the refused attempts: WeChat's own push still goes through
        good = self.post_raw(body, **dict(params, encrypt_type="aes", msg_signature=msg_signature))
        self.assertEqual((good.status_code, good.text), (200, "success"))
        self.assertEqual(self.stored().content, "兼容模式")

    def test_compatible_mode_reads_only_the_signed_encrypted_part(self):
        self.account.encrypt_mode = "compatible"
        params = self.signed()
        body, msg_signature = self.encrypted(
            push_xml(openid="oReal", msg_type="text", Content="真的", MsgId="601"), params
        )
        # the clear part of a compatible push is not covered by msg_signature: a proxy may
        # change it at will
        tampered = body.replace(
            "<xml>",
            "<xml><FromUserName><![CDATA[oForged]]></FromUserName>"
            "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[假的]]></Content>",
            1,
        )
        response = self.post_raw(
            tampered, **dict(params, encrypt_type="aes", msg_signature=msg_signature)
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual((self.stored().openid, self.stored().content), ("oReal", "真的"))

    def test_unknown_account_and_bad_signatures_get_the_same_answer(self):
        xml = push_xml(Event="subscribe")
        params = self.signed()
        bad = dict(params, signature=sign("not-our-token", params["timestamp"], params["nonce"]))
        query = "&".join(f"{key}={value}" for key, value in params.items())
        answers = {
            "unknown account": self.url_open(
                f"/wechat/callback/wx_unknown_0001?{query}", data=xml.encode()
            ),
            "bad signature": self.post(xml, params=bad),
            "no signature": self.post(xml, params={}),
            "stale": self.post(xml, params=self.signed_at(int(time.time()) - 3600)),
            "unknown account, handshake": self.url_open(
                f"/wechat/callback/wx_unknown_0001?{query}&echostr=x"
            ),
            "bad signature, handshake": self.url_open(self.callback_url(echostr="x", **bad)),
        }
        shapes = {
            label: (answer.status_code, answer.text, answer.headers.get("Content-Type"))
            for label, answer in answers.items()
        }
        self.assertEqual(len(set(shapes.values())), 1, shapes)
        self.assertEqual(shapes["unknown account"][:2], (403, "forbidden"))
        self.assertFalse(self.stored())

    def test_refused_pushes_leave_no_nonce_behind(self):
        params = self.signed()
        self.assertEqual(self.post("<xml><a>1</a>", params=params).status_code, 400)
        self.assertFalse(self.nonces())
        self.assertEqual(self.post(push_xml(Event="subscribe"), params=params).status_code, 200)
        self.assertEqual(self.nonces(), [params["nonce"]])

    def test_queue_job_forgets_nonces_too_old_to_be_replayed(self):
        Nonce = self.env["wechat.callback.nonce"]
        now = int(time.time())
        self.assertTrue(Nonce._claim(self.account.id, "old", now - MAX_WINDOW - 60))
        self.assertTrue(Nonce._claim(self.account.id, "recent", now - 200))
        self.assertFalse(Nonce._claim(self.account.id, "recent", now - 200), "seen already")
        self.process_queue()
        self.assertEqual(self.nonces(), ["recent"])
