from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import APP_SECRET, WechatCase
from .wechat_stub import push_xml


@tagged("post_install", "-at_install")
class TestWechatAccess(WechatCase):
    def test_secrets_are_for_administrators_only(self):
        account = self.as_user(self.account, self.rep_a)
        self.assertEqual(account.name, "Test account")
        for secret in ("app_secret", "token", "encoding_aes_key", "sync_error"):
            with self.subTest(secret), self.assertRaises(AccessError):
                account.read([secret])
        with self.assertRaises(AccessError):
            self.as_user(self.account, self.manager).read(["app_secret"])
        with self.assertRaises(AccessError):
            self.account.with_user(self.manager).write({"name": "x"})
        admin = self.env.ref("base.user_admin")
        self.assertEqual(self.as_user(self.account, admin).app_secret, APP_SECRET)

    def test_followers_of_a_protected_customer_stay_hidden(self):
        self.account.write({"conversion_trigger": "auto"})
        self.post(push_xml(openid="oP", Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        self.account.write({"conversion_trigger": "manual"})
        self.post(push_xml(openid="oFree", Event="subscribe"))
        self.process_queue()
        protected = self.Follower.search([("openid", "=", "oP")])
        protected.partner_id.action_protect()
        free = self.Follower.search([("openid", "=", "oFree")])
        seen_by_b = self.as_user(self.Follower, self.rep_b).search(
            [("id", "in", (protected | free).ids)]
        )
        self.assertEqual(seen_by_b, free, "not yet converted: every rep sees it")
        with self.assertRaises(AccessError):
            self.as_user(protected, self.rep_b).read(["nickname"])
        with self.assertRaises(AccessError):
            self.as_user(protected.message_log_ids, self.rep_b).read(["content"])
        self.assertEqual(
            self.as_user(self.Follower, self.rep_a).search([("id", "=", protected.id)]), protected
        )

    def test_reps_cannot_create_followers_or_accounts(self):
        with self.assertRaises(AccessError):
            self.Follower.with_user(self.rep_a).create(
                {"account_id": self.account.id, "openid": "forged"}
            )
        with self.assertRaises(AccessError):
            self.env["wechat.account"].with_user(self.rep_a).create({"name": "x", "app_id": "y"})
