import time

from odoo import sql_db
from odoo.tests import tagged

from .common import WechatCase
from .wechat_stub import push_xml


@tagged("post_install", "-at_install")
class TestQueue(WechatCase):
    """The queue job handles pushes a batch at a time, with what one push at a time gives."""

    def follower(self, openid):
        return self.Follower.search([("account_id", "=", self.account.id), ("openid", "=", openid)])

    def text(self, openid, content, msg_id):
        self.post(push_xml(openid=openid, msg_type="text", Content=content, MsgId=msg_id))

    def notes(self, follower):
        """The notes on the follower's chatter, oldest first, after the one of its creation."""
        messages = follower.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("mail.mt_note")
        )
        return messages.sorted("id")[1:].mapped("body")

    def test_a_batch_keeps_each_text_in_order_beside_the_events(self):
        self.account.conversion_trigger = "auto"
        self.text("oFirst", "第一条", "101")
        self.post(push_xml(openid="oSub", Event="subscribe", EventKey="qrscene_rep_a"))
        self.text("oFirst", "第二条", "102")
        self.text("oSub", "有现货吗", "103")
        self.text("oFirst", "第三条", "104")
        self.process_queue()
        self.assertEqual(set(self.stored().mapped("state")), {"done"})
        first, subscribed = self.follower("oFirst"), self.follower("oSub")
        self.assertEqual(
            self.notes(first), ["<span>第一条</span>", "<span>第二条</span>", "<span>第三条</span>"]
        )
        self.assertEqual(first.last_message, "第三条")
        self.assertEqual(subscribed.partner_id.user_id, self.rep_a)
        self.assertIn("<span>有现货吗</span>", self.notes(subscribed))
        self.assertEqual(
            self.stored().mapped("follower_id"), first | subscribed, "each push names its follower"
        )

    def test_whoever_follows_the_notes_of_a_follower_is_notified_of_its_texts(self):
        self.text("oWatched", "你好", "201")
        self.text("oQuiet", "你好", "202")
        self.process_queue()
        watched, quiet = self.follower("oWatched"), self.follower("oQuiet")
        note = self.env.ref("mail.mt_note")
        watched.message_subscribe(self.rep_a.partner_id.ids, subtype_ids=note.ids)
        quiet.message_subscribe(self.rep_b.partner_id.ids)  # the default subtypes: no notes
        self.text("oWatched", "报价多少", "203")
        self.text("oQuiet", "报价多少", "204")
        self.text("oWatched", "什么时候发货", "205")
        self.process_queue()

        def notified(partner):
            return (
                self.env["mail.notification"]
                .search([("res_partner_id", "=", partner.id)])
                .mail_message_id.mapped("body")
            )

        self.assertCountEqual(
            notified(self.rep_a.partner_id), ["<span>报价多少</span>", "<span>什么时候发货</span>"]
        )
        self.assertEqual(notified(self.rep_b.partner_id), [])
        self.assertEqual(self.notes(quiet), ["<span>你好</span>", "<span>报价多少</span>"])

    def test_a_push_that_fails_waits_alone_for_the_next_run(self):
        """The rep of a QR code is busy in another transaction (its row locked): the subscribe
        that would give the rep a customer fails and waits; the pushes around it are done."""
        admin = self.env.ref("base.user_admin")
        self.env["ir.config_parameter"].sudo().set_param("sales_pipeline.max_claimed", "1000")
        self.env["wechat.qrcode"].create(
            {"account_id": self.account.id, "user_id": admin.id, "scene": "admin"}
        )
        self.account.conversion_trigger = "auto"
        self.text("oBefore", "在吗", "301")
        self.post(push_xml(openid="oBusy", Event="subscribe", EventKey="qrscene_admin"))
        self.text("oAfter", "在吗", "302")
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", [admin.id])
            self.process_queue()
            other.rollback()
        by_follower = {message.openid: message for message in self.stored()}
        self.assertEqual(by_follower["oBefore"].state, "done")
        self.assertEqual(by_follower["oAfter"].state, "done")
        self.assertEqual(self.notes(self.follower("oAfter")), ["<span>在吗</span>"])
        busy = by_follower["oBusy"]
        self.assertEqual((busy.state, busy.attempts), ("pending", 1))
        self.assertIn("in progress", busy.sudo().error)
        self.assertFalse(self.follower("oBusy").partner_id)

        self.process_queue()
        self.assertEqual(busy.state, "done")
        self.assertEqual(self.follower("oBusy").partner_id.user_id, admin)
        self.assertEqual(self.notes(self.follower("oBefore")), ["<span>在吗</span>"], "once")

    def a_minute_passes(self, tables=("wechat_message", "ir_cron_trigger")):
        self.env.flush_all()
        for table in tables:
            self.env.cr.execute(
                f"UPDATE {table} SET create_date = create_date - interval '1 minute'"  # noqa: S608
            )

    def job_wakings(self):
        cron = self.env.ref("wechat_leads.ir_cron_process_messages")
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def test_the_job_is_woken_once_a_burst_and_again_when_it_falls_behind(self):
        wakings = self.job_wakings()
        for msg_id in ("501", "502", "503"):
            self.text("oBurst", "在吗", msg_id)
        self.assertEqual(self.job_wakings(), wakings + 1, "the job takes the burst in one run")
        # a minute later, the pushes still waiting: the job stopped or is behind
        self.a_minute_passes()
        self.text("oBurst", "在吗", "504")
        self.assertEqual(self.job_wakings(), wakings + 2)
        self.text("oBurst", "在吗", "505")
        self.assertEqual(self.job_wakings(), wakings + 2, "woken a moment ago")
        self.process_queue()
        # a push that failed waits for the next run and keeps no later push from waking the job
        self.stored()[0].write({"state": "pending", "attempts": 1})
        self.text("oBurst", "在吗", "506")
        self.assertEqual(self.job_wakings(), wakings + 3)

    def test_a_job_stopped_under_a_steady_stream_is_woken(self):
        """The job stopped with pushes left (its time was up) while new ones keep coming, each a
        moment after the last: the oldest waiting push wakes it, not the last one."""
        wakings = self.job_wakings()
        self.text("oStream", "一", "601")
        self.a_minute_passes()
        self.text("oStream", "二", "602")
        self.assertEqual(self.job_wakings(), wakings + 2)
        # the job ran and stopped, leaving 601 and 602; a minute after its waking, 603 comes a
        # moment after 602
        self.a_minute_passes(tables=["ir_cron_trigger"])
        self.text("oStream", "三", "603")
        self.assertEqual(self.job_wakings(), wakings + 3)

    def test_followers_subscribing_together_get_their_leads_together(self):
        self.account.write({"conversion_trigger": "auto", "conversion_target": "lead"})
        self.post(push_xml(openid="oLeadA", Event="subscribe", EventKey="qrscene_rep_a"))
        self.text("oLeadA", "你好", "601")
        self.post(push_xml(openid="oLeadB", Event="subscribe"))
        self.process_queue()
        first, second = self.follower("oLeadA"), self.follower("oLeadB")
        self.assertEqual(set(self.stored().mapped("state")), {"done"})
        self.assertEqual((first.lead_id.user_id, second.lead_id.user_id.id), (self.rep_a, False))
        self.assertEqual(first.lead_id.type, "lead")
        self.assertNotEqual(first.lead_id, second.lead_id)
        self.assertEqual(
            self.notes(first),
            [f"<span>Lead {first.lead_id.name} created.</span>", "<span>你好</span>"],
        )
        self.assertEqual(self.notes(second), [f"<span>Lead {second.lead_id.name} created.</span>"])
        # subscribing again (a follower who left and came back) makes no second lead
        self.post(push_xml(openid="oLeadB", Event="subscribe", created=int(time.time()) + 60))
        self.process_queue()
        leads = self.env["crm.lead"].search_count([("contact_name", "in", ["oLeadA", "oLeadB"])])
        self.assertEqual(leads, 2)
        self.assertEqual(len(second.lead_id), 1)
