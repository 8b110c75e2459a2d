from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WechatCase
from .wechat_stub import push_xml


@tagged("post_install", "-at_install")
class TestFollowers(WechatCase):
    def follower(self, openid="oUser0001"):
        return self.Follower.search([("account_id", "=", self.account.id), ("openid", "=", openid)])

    def test_subscribe_then_unsubscribe(self):
        self.post(push_xml(Event="subscribe"))
        self.process_queue()
        follower = self.follower()
        self.assertTrue(follower.subscribed)
        self.assertTrue(follower.info_pending, "details come from the sync")
        self.assertEqual(follower.state, "new")
        self.post(
            push_xml(Event="unsubscribe", created=int(follower.subscribe_time.timestamp()) + 60)
        )
        self.process_queue()
        self.assertFalse(follower.subscribed)
        self.assertTrue(follower.unsubscribe_time)

    def test_text_message_updates_the_follower_and_its_chatter(self):
        self.post(push_xml(msg_type="text", Content="请问有现货吗", MsgId="42"))
        self.process_queue()
        follower = self.follower()
        self.assertEqual(follower.last_message, "请问有现货吗")
        self.assertIn("请问有现货吗", follower.message_ids.mapped("body")[0])

    def test_scene_qr_code_makes_the_rep_s_customer_automatically(self):
        self.account.conversion_trigger = "auto"
        self.post(push_xml(Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        follower = self.follower()
        self.assertEqual((follower.qr_scene, follower.scene_user_id), ("rep_a", self.rep_a))
        customer = follower.partner_id
        self.assertEqual((customer.is_customer, customer.user_id), (True, self.rep_a))
        self.assertEqual(customer.wechat_id, "oUser0001")
        self.assertEqual(
            customer.source_id, self.env.ref("sales_pipeline.res_partner_source_wechat")
        )
        found = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .search([("quick_search", "ilike", "oUser0001")])
        )
        self.assertEqual(found, customer, "the WeChat id is found by quick search")

    def test_without_scene_automatic_customers_go_to_the_pool(self):
        self.account.write({"conversion_trigger": "auto", "conversion_target": "pool"})
        self.post(push_xml(Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        self.assertFalse(self.follower().partner_id.user_id)
        self.assertEqual(self.follower().partner_id.pool_state, "pool")

    def test_automatic_leads(self):
        self.account.write({"conversion_trigger": "auto", "conversion_target": "lead"})
        self.post(push_xml(Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        lead = self.follower().lead_id
        self.assertEqual((lead.type, lead.user_id), ("lead", self.rep_a))
        self.assertEqual(self.follower().state, "lead")

    def test_scan_by_a_follower_sets_the_rep_and_keeps_the_subscription(self):
        self.post(push_xml(Event="subscribe", created=1900000000))
        self.process_queue()
        subscribed_on = self.follower().subscribe_time
        self.post(push_xml(Event="SCAN", EventKey="rep_a", created=2000000000))
        self.post(push_xml(Event="SCAN", EventKey="unknown_scene", created=2000000100))
        self.process_queue()
        self.assertEqual(self.follower().scene_user_id, self.rep_a)
        self.assertEqual(self.follower().subscribe_time, subscribed_on)

    def test_manual_conversion_by_a_rep_and_in_bulk(self):
        for openid in ("oA", "oB", "oC"):
            self.post(push_xml(openid=openid, Event="subscribe"))
        self.process_queue()
        followers = self.Follower.search([("openid", "in", ["oA", "oB", "oC"])])
        self.assertFalse(followers.partner_id, "manual mode: nothing converted yet")
        followers.with_user(self.rep_b).action_convert()
        self.assertEqual(
            followers.partner_id.user_id, self.rep_b, "no QR code: the converting rep's"
        )
        with self.assertRaisesRegex(UserError, "already"):
            followers.with_user(self.rep_b).action_convert()

    def test_conversion_finds_the_customer_already_entered(self):
        existing = self.make_customer("老客户", owner=self.rep_a, mobile="13800000001")
        by_union = self.make_customer("UnionID 客户", owner=self.rep_a, wechat_id="uX1")
        self.post(push_xml(openid="oM", Event="subscribe"))
        self.post(push_xml(openid="oU", Event="subscribe"))
        self.process_queue()
        self.follower("oM").mobile = "13800000001"
        self.follower("oU").sudo().unionid = "uX1"
        (self.follower("oM") | self.follower("oU")).action_convert()
        self.assertEqual(self.follower("oM").partner_id, existing)
        self.assertEqual(self.follower("oU").partner_id, by_union)
        self.assertEqual(existing.wechat_id, "oM")
        self.assertEqual(self.env["res.partner"].search_count([("name", "in", ["oM", "oU"])]), 0)

    def test_other_pushes_are_kept_and_done(self):
        self.post(push_xml(msg_type="image", PicUrl="http://x/y.jpg", MsgId="55"))
        self.process_queue()
        self.assertEqual(self.stored().state, "done")
        self.assertTrue(self.follower())

    def customers_of(self, user):
        return self.env["res.partner"].search_count(
            [("is_customer", "=", True), ("parent_id", "=", False), ("user_id", "=", user.id)]
        )

    def test_automatic_conversion_over_the_rep_s_quota_goes_to_the_pool(self):
        self.rep_a.sudo().customer_claim_limit = 1
        self.make_customer("Rep A's only customer", owner=self.rep_a)
        self.account.conversion_trigger = "auto"
        self.post(push_xml(openid="oOver", Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        follower = self.follower("oOver")
        customer = follower.partner_id
        self.assertEqual(follower.scene_user_id, self.rep_a)
        self.assertEqual((customer.is_customer, customer.pool_state), (True, "pool"))
        self.assertFalse(customer.user_id)
        self.assertEqual(self.customers_of(self.rep_a), 1, "the quota holds")
        for record in (follower, customer):
            self.assertIn(
                "Rep A, who already holds the most customers allowed (1)",
                "".join(record.message_ids.mapped("body")),
            )
        # the rep finds it in the pool like any rep, and gets the next one once under quota
        pool = self.env["res.partner"].with_user(self.rep_a).search([("pool_state", "=", "pool")])
        self.assertIn(customer, pool)
        self.rep_a.sudo().customer_claim_limit = 3
        self.post(push_xml(openid="oUnder", Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        self.assertEqual(self.follower("oUnder").partner_id.user_id, self.rep_a)

    def test_conversion_by_hand_respects_the_quota(self):
        self.rep_a.sudo().customer_claim_limit = 1
        self.make_customer("Rep A's only customer", owner=self.rep_a)
        for openid in ("oMine", "oOfA"):
            self.post(push_xml(openid=openid, Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        mine = self.follower("oMine")
        with self.assertRaisesRegex(UserError, "at most 1 customers"):
            mine.with_user(self.rep_a).action_convert()
        self.assertFalse(mine.partner_id)
        self.assertFalse(self.env["res.partner"].search_count([("wechat_id", "=", "oMine")]))
        # another rep converting a follower of rep A's QR code: rep A's quota still holds
        of_a = self.follower("oOfA")
        of_a.with_user(self.rep_b).action_convert()
        self.assertEqual(of_a.partner_id.pool_state, "pool")
        self.assertEqual(self.customers_of(self.rep_a), 1)
