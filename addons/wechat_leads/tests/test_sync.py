from odoo.tests import tagged

from .common import WechatCase


@tagged("post_install", "-at_install")
class TestSync(WechatCase):
    def followers(self):
        return self.Follower.search([("account_id", "=", self.account.id)], order="openid")

    def test_sync_pages_through_followers_and_fetches_details(self):
        self.stub.add_followers(7)
        self.stub.followers["oF0001"]["tagid_list"] = [100, 101]
        self.sync()
        followers = self.followers()
        self.assertEqual(sorted(followers[1].tag_ids.mapped("name")), ["展会", "老客户"])
        self.assertEqual(len(followers), 7)
        self.assertEqual(followers[0].nickname, "粉丝0")
        self.assertEqual(followers[0].unionid, "uF0000")
        self.assertFalse(any(followers.mapped("info_pending")))
        self.assertEqual(
            self.stub.paths().count("/cgi-bin/user/get"), 4, "pages of 3, then an empty one"
        )
        self.assertEqual(self.stub.token_count, 1, "one token for the whole run")
        self.assertFalse(self.account.sync_error)

    def test_sync_twice_adds_nothing(self):
        self.stub.add_followers(4)
        self.sync()
        self.sync()
        self.assertEqual(len(self.followers()), 4)

    def test_token_is_shared_and_refreshed_when_expired(self):
        self.stub.add_followers(2)
        self.sync()
        self.sync()
        self.assertEqual(self.stub.token_count, 1, "the second run uses the stored token")
        self.stub.mode = "expire_once"
        self.stub.add_followers(3, prefix="oN")
        self.sync()
        self.assertEqual(self.stub.token_count, 2, "refreshed once after 42001")
        self.assertEqual(len(self.followers()), 5)
        self.assertEqual(self.account._read_token()[0], "TOKEN-2")

    def test_api_down_is_logged_and_retried_later(self):
        self.stub.add_followers(2)
        self.stub.mode = "down"
        with self.assertLogs("odoo.addons.wechat_leads.models.wechat_account", "WARNING"):
            self.sync()
        self.assertTrue(self.account.sync_error)
        self.assertFalse(self.followers())
        self.stub.mode = None
        self.sync()
        self.assertFalse(self.account.sync_error)
        self.assertEqual(len(self.followers()), 2)

    def test_wechat_error_code_and_timeouts_do_not_crash_the_cron(self):
        self.stub.add_followers(1)
        self.sync()
        self.stub.mode = "errcode"
        with self.assertLogs("odoo.addons.wechat_leads.models.wechat_account", "WARNING"):
            self.sync()
        self.assertIn("45009", self.account.sync_error)
        # Odoo's test framework raises request timeouts under 10 s to 10 s: the stub waits longer.
        self.stub.mode, self.stub.delay = "slow", 10.5
        with self.assertLogs("odoo.addons.wechat_leads.models.wechat_account", "WARNING"):
            self.sync(wechat_timeout=1)
        self.assertTrue(self.account.sync_error)

    def test_unreachable_api(self):
        self.account.sudo().api_base_url = "http://127.0.0.1:9/cgi-bin/"
        with self.assertLogs("odoo.addons.wechat_leads.models.wechat_account", "WARNING"):
            self.sync()
        self.assertTrue(self.account.sync_error)

    def test_rep_qr_code(self):
        self.qrcode_a.action_generate()
        self.assertEqual(self.qrcode_a.ticket, "TICKET-rep_a")
        self.assertIn("showqrcode?ticket=TICKET-rep_a", self.qrcode_a.image_url)
