import time

import psycopg2.errors

from odoo.tests import tagged

from ..tools import queue_wakeup
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
        other = self.another_connection().cr
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

    def job_wakings(self, env=None):
        env = env or self.env
        job = env["wechat.message"]._queue_job()
        return env["ir.cron.trigger"].sudo().search([("cron_id", "=", job.id)])

    def push_from(self, env, account, msg_id):
        push = {"MsgType": "text", "FromUserName": "oOther", "Content": "在吗", "MsgId": msg_id}
        self.assertTrue(env["wechat.message"].sudo()._store(account.id, push))

    def assert_waits_for_a_lock(self, cr, take_lock):
        """``take_lock()`` waits for a lock (another connection's commit)."""
        cr.execute("SET lock_timeout = '100ms'")
        with self.assertRaises(psycopg2.errors.LockNotAvailable):
            take_lock()
        cr.rollback()
        cr.execute("RESET lock_timeout")

    def test_an_idle_job_is_woken_once_a_burst_and_again_once_its_run_began(self):
        self.consume_wakings(self.env.cr)
        for msg_id in ("501", "502", "503"):
            self.text("oBurst", "在吗", msg_id)
        self.assertEqual(len(self.job_wakings()), 1, "the job takes the burst in one run")
        # a waking not consumed after some seconds: the cron service missed it or is busy
        self.env.cr.execute("UPDATE ir_cron_trigger SET create_date = create_date - interval '6s'")
        self.text("oBurst", "在吗", "5031")
        self.assertEqual(len(self.job_wakings()), 2, "notified again")
        # a run begins by deleting the job's due wakings
        self.consume_wakings(self.env.cr)
        self.text("oBurst", "在吗", "504")
        self.assertEqual(len(self.job_wakings()), 1)

    def consume_wakings(self, cr, only=None):
        """What a run does first: delete the job's due wakings (or ``only`` that one)."""
        cr.execute(
            """DELETE FROM ir_cron_trigger
                WHERE cron_id = %s AND call_at <= statement_timestamp() AT TIME ZONE 'UTC'
                  AND (%s IS NULL OR id = %s)""",
            [self.Message._queue_job().id, only, only],
        )

    def wakings_left_being_consumed(self):
        """The due wakings already in the database are being consumed by a run on another
        connection (rolled back after the test): they count for no push of the test."""
        self.consume_wakings(self.another_connection().cr)
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM ir_cron_trigger")
        return self.env.cr.fetchone()[0]

    def new_wakings(self, env, after_id):
        return self.job_wakings(env).filtered(lambda waking: waking.id > after_id)

    def test_a_push_that_finds_the_job_at_work_wakes_nothing_and_the_job_waits_for_it(self):
        """A push stored while the job is at work, before the job's last look for pushes and
        committed after it, is neither left waiting nor woken for."""
        last_waking = self.wakings_left_being_consumed()
        push_env, account = self.another_request()
        run_env = self.another_connection()
        run_env.cr.execute("SELECT COALESCE(max(id), 0) FROM wechat_message")
        done_up_to = run_env.cr.fetchone()[0]
        queue_wakeup.hold_queue(run_env.cr)
        self.push_from(push_env, account, "701")
        self.assertFalse(self.new_wakings(push_env, last_waking), "the job at work takes it")
        # the run found no push and stops: its last look waits for the push being stored
        Message = run_env["wechat.message"]
        self.assert_waits_for_a_lock(run_env.cr, lambda: Message._pending_once_stored(done_up_to))
        push_env.cr.commit()
        self.assertEqual(Message._pending_once_stored(done_up_to), 1, "and finds it")

    def test_a_run_that_begins_while_a_push_finds_the_job_idle_waits_for_it(self):
        last_waking = self.wakings_left_being_consumed()
        push_env, account = self.another_request()
        self.push_from(push_env, account, "801")
        self.push_from(push_env, account, "802")
        self.assertEqual(len(self.new_wakings(push_env, last_waking)), 1)
        run_cr = self.another_connection().cr
        self.assert_waits_for_a_lock(run_cr, lambda: queue_wakeup.hold_queue(run_cr))
        push_env.cr.rollback()

    def test_a_waking_that_a_run_consumes_does_not_count(self):
        """A run begins by deleting the job's due wakings: a push that meets one being deleted,
        or deleted since its snapshot, wakes the job again (that run may have looked for pushes
        before this one was committed)."""
        self.wakings_left_being_consumed()
        waker_env, account = self.another_request()
        waking = waker_env["wechat.message"]._queue_job()._trigger().id
        waker_env.cr.commit()
        self.addCleanup(self.drop_wakings_from, waker_env, waking)
        run_cr = self.another_connection().cr
        self.consume_wakings(run_cr, only=waking)

        push_env = self.another_connection()
        self.push_from(push_env, account, "902")
        self.assertEqual(len(self.new_wakings(push_env, waking)), 1)
        push_env.cr.rollback()

        self.job_wakings(push_env)  # this request's snapshot is taken
        run_cr.commit()
        self.push_from(push_env, account, "903")
        self.assertEqual(len(self.new_wakings(push_env, waking)), 1)
        push_env.cr.rollback()

    def drop_wakings_from(self, env, first_id):
        env.cr.rollback()
        env.cr.execute(
            "DELETE FROM ir_cron_trigger WHERE id >= %s AND cron_id = %s",
            [first_id, env["wechat.message"]._queue_job().id],
        )
        env.cr.commit()

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
