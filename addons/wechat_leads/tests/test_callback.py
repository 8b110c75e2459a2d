import time

from odoo.tests import tagged

from .common import TOKEN, WechatCase
from .wechat_stub import push_xml, sign


@tagged("post_install", "-at_install")
class TestCallback(WechatCase):
    def test_handshake_echoes_with_a_good_signature_only(self):
        good = self.url_open(self.callback_url(echostr="hello123", **self.signed()))
        self.assertEqual((good.status_code, good.text), (200, "hello123"))
        params = self.signed(token="not-our-token")
        bad = self.url_open(self.callback_url(echostr="hello123", **params))
        self.assertEqual(bad.status_code, 403)
        self.assertNotIn("hello123", bad.text)
        missing = self.url_open(self.callback_url(echostr="hello123"))
        self.assertEqual(missing.status_code, 403)

    def test_plain_push_is_stored_and_answered(self):
        # stored on the primary at once, not first tried read-only (as on a replica) and retried
        with self.assertNoLogs("odoo.http", level="WARNING"):
            response = self.post(push_xml(Event="subscribe"))
        self.assertEqual((response.status_code, response.text), (200, "success"))
        message = self.stored()
        self.assertEqual(
            (message.openid, message.event, message.state), ("oUser0001", "subscribe", "pending")
        )

    def test_bad_or_missing_signature_stores_nothing(self):
        params = self.signed()
        params["signature"] = sign("wrong", params["timestamp"], params["nonce"])
        self.assertEqual(self.post(push_xml(Event="subscribe"), params=params).status_code, 403)
        self.assertEqual(self.post(push_xml(Event="subscribe"), params={}).status_code, 403)
        tampered = self.signed()
        tampered["timestamp"] = str(int(tampered["timestamp"]) + 1)
        self.assertEqual(self.post(push_xml(Event="subscribe"), params=tampered).status_code, 403)
        self.assertFalse(self.stored())

    def test_safe_mode_aes_round_trip(self):
        self.account.encrypt_mode = "safe"
        response = self.post(
            push_xml(msg_type="text", Content="你好，想要报价", MsgId="9001"), encrypt=True
        )
        self.assertEqual((response.status_code, response.text), (200, "success"))
        self.assertEqual(self.stored().content, "你好，想要报价")

    def test_safe_mode_refuses_plain_or_badly_signed_bodies(self):
        self.account.encrypt_mode = "safe"
        self.assertEqual(
            self.post(push_xml(msg_type="text", Content="x", MsgId="1")).status_code, 400
        )
        params = self.signed()
        params_bad = dict(params)
        response = self.post(
            push_xml(msg_type="text", Content="x", MsgId="2"), params=params_bad, encrypt=True
        )
        self.assertEqual(response.status_code, 200)
        # a message signature that does not match the encrypted body
        from wechatpy.crypto import WeChatCrypto

        encrypted = WeChatCrypto(
            TOKEN, self.account.sudo().encoding_aes_key, self.account.app_id
        ).encrypt_message(
            push_xml(msg_type="text", Content="y", MsgId="3"), params["nonce"], params["timestamp"]
        )
        forged = dict(params, encrypt_type="aes", msg_signature="0" * 40)
        self.assertEqual(
            self.url_open(self.callback_url(**forged), data=encrypted.encode()).status_code, 403
        )
        self.assertEqual(self.stored().mapped("dedupe_key"), ["2"])

    def test_compatible_mode_reads_the_encrypted_part(self):
        self.account.encrypt_mode = "compatible"
        self.post(push_xml(msg_type="text", Content="兼容模式", MsgId="77"), encrypt=True)
        self.assertEqual(self.stored().content, "兼容模式")

    def test_retries_are_stored_once(self):
        created = int(time.time())
        for _attempt in range(3):
            self.post(push_xml(msg_type="text", Content="hi", MsgId="123456789", created=created))
            self.post(push_xml(openid="oUser0002", Event="subscribe", created=created))
        self.assertEqual(len(self.stored()), 2)
        self.process_queue()
        self.assertEqual(self.Follower.search_count([("account_id", "=", self.account.id)]), 2)

    def test_a_retry_stored_by_another_request_meanwhile_is_not_new(self):
        """WeChat resends a push while the first one is being stored by another request (or
        handled by the job): this request's insert meets a row its snapshot does not see. The
        retry is not new, and the request goes on instead of failing and being retried."""
        other_env, other_account = self.another_request()
        push = {"MsgType": "text", "FromUserName": "oUser0003", "Content": "hi", "MsgId": "42"}
        self.assertTrue(other_env["wechat.message"].sudo()._store(other_account.id, push))
        other_env.cr.commit()

        Message = self.Message.sudo()
        self.assertFalse(Message._store(other_account.id, push))
        self.assertTrue(Message._store(self.account.id, dict(push, MsgId="43")))
        self.assertEqual(self.stored().dedupe_key, "43")

    def test_a_nonce_claimed_by_another_request_meanwhile_is_a_replay(self):
        """The same signed push sent twice at once: the second request's nonce meets the first
        one's, committed after its snapshot. It is refused as a replay, at once."""
        other_env, other_account = self.another_request()
        signed_at = int(time.time())
        Nonce = self.env["wechat.callback.nonce"].sudo()
        self.assertTrue(
            other_env["wechat.callback.nonce"].sudo()._claim(other_account.id, "n42", signed_at)
        )
        other_env.cr.commit()

        self.assertFalse(Nonce._claim(other_account.id, "n42", signed_at))
        self.assertTrue(Nonce._claim(self.account.id, "n42", signed_at), "the request goes on")

    def test_malformed_and_hostile_xml_is_refused_and_the_server_goes_on(self):
        bodies = {
            "malformed": "<xml><FromUserName>oX</FromUserName><MsgType>text",
            "not xml": "hello",
            "no root": "<notxml><a>1</a></notxml>",
            "xxe": (
                '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                "<xml><FromUserName>&xxe;</FromUserName><MsgType>text</MsgType></xml>"
            ),
            "billion laughs": (
                '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                "<xml><FromUserName>&lol2;</FromUserName><MsgType>text</MsgType></xml>"
            ),
            "lowercase doctype": (
                "<!doctype xml><xml><FromUserName>a</FromUserName><MsgType>text</MsgType></xml>"
            ),
        }
        for label, body in bodies.items():
            with self.subTest(label):
                self.assertEqual(self.post(body).status_code, 400)
        oversized = push_xml(msg_type="text", Content="x" * 70_000, MsgId="5")
        self.assertEqual(self.post(oversized).status_code, 413)
        self.assertFalse(self.stored())
        self.assertEqual(self.post(push_xml(Event="subscribe")).status_code, 200, "still serving")
        self.assertEqual(len(self.stored()), 1)
