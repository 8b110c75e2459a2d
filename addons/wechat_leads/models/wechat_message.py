import logging
import time

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import insert_once, queue_wakeup, scene_of

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STREAM_SECONDS = 40
PENDING = Domain("state", "=", "pending")


class WechatMessage(models.Model):
    """A message or event pushed by WeChat to the callback: stored once (WeChat retries
    unanswered pushes), answered at once, handled by the queue job."""

    _name = "wechat.message"
    _description = "WeChat Message"
    _order = "id desc"
    _rec_name = "dedupe_key"

    account_id = fields.Many2one(
        comodel_name="wechat.account", required=True, ondelete="cascade", index=True
    )
    dedupe_key = fields.Char(
        required=True,
        readonly=True,
        help="MsgId for messages; sender + time + event for events (what WeChat keeps on retries).",
    )
    openid = fields.Char(string="OpenID", required=True, readonly=True)
    follower_id = fields.Many2one(
        comodel_name="wechat.follower", readonly=True, index="btree_not_null"
    )
    msg_type = fields.Char(string="Type", readonly=True)
    event = fields.Char(readonly=True)
    event_key = fields.Char(readonly=True)
    content = fields.Text(readonly=True)
    sent_at = fields.Datetime(readonly=True, help="CreateTime of the message, as WeChat gives it.")
    state = fields.Selection(
        selection=[("pending", "To Process"), ("done", "Done"), ("error", "Failed")],
        required=True,
        default="pending",
        readonly=True,
    )
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True, groups="base.group_system")

    _dedupe_uniq = models.Constraint(
        "unique(account_id, dedupe_key)", "WeChat sent this message already."
    )
    _pending_index = models.Index("(id) WHERE state = 'pending'")

    @api.model
    def _store(self, account_id, message):
        """Insert the parsed push ``message`` (a dict of its XML) unless WeChat sent it before,
        and wake the queue job up unless it is at work or woken already.

        Plain SQL, no ORM: the callback must answer WeChat within 5 seconds under load.
        Returns True when the message is new.
        """
        msg_type = (message.get("MsgType") or "").lower()
        openid = message.get("FromUserName") or ""
        created = message.get("CreateTime") or "0"
        event = (message.get("Event") or "").lower() or None
        dedupe = message.get("MsgId") or f"{openid}:{created}:{event or msg_type}"
        insert = SQL(
            """INSERT INTO wechat_message (account_id, dedupe_key, openid, msg_type, event,
                                           event_key, content, sent_at, state, attempts,
                                           create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, %s, %s, %s, %s, %s, to_timestamp(%s) AT TIME ZONE 'UTC',
                       'pending', 0, %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC')
               ON CONFLICT (account_id, dedupe_key) DO NOTHING
               RETURNING id""",
            account_id,
            dedupe[:128],
            openid[:64],
            msg_type[:32],
            event and event[:64],
            (message.get("EventKey") or None),
            message.get("Content"),
            int(created) if str(created).isdigit() else 0,
            self.env.uid,
            self.env.uid,
        )
        row = insert_once(self.env.cr, insert)
        if row:
            self._wake_queue_job_unless_running()
        return bool(row)

    @api.model
    def _wake_queue_job_unless_running(self):
        """For a push just stored: wake the queue job up, unless it is at work (it looks for
        pushes once more before it stops) or a waking is pending already."""
        if queue_wakeup.queue_job_running(self.env.cr):
            return
        job = self._queue_job()
        if not queue_wakeup.waking_pending(self.env.cr, job.id):
            job._trigger()

    @api.model
    def _queue_job(self):
        return self.env.ref("wechat_leads.ir_cron_process_messages").sudo()

    @api.model
    def _cron_process(self, batch_size=200):
        """Handle the stored pushes in order, a batch at a time; a failing one is retried on the
        next runs. Forgets the nonces of pushes too old to be replayed first."""
        self.env["wechat.callback.nonce"]._purge()
        self.env["ir.cron"]._commit_progress(remaining=self.search_count(PENDING))
        # pushes come in a stream: the job keeps up with it STREAM_SECONDS longer than the time
        # slot Odoo gives a job (cron_end_time, from the job's start) before the other jobs
        keep_up_until = self.env.context.get("cron_end_time", time.monotonic()) + STREAM_SECONDS
        done_up_to = 0  # a push that failed waits for the next run, not for the next batch
        while True:
            done_up_to, out_of_time = self._process_pending(done_up_to, batch_size, keep_up_until)
            waiting = self._pending_once_stored(done_up_to)
            if not waiting:
                self.env["ir.cron"]._commit_progress(remaining=0)
                return
            if out_of_time:
                self.env["ir.cron"]._commit_progress(remaining=waiting)
                # Odoo runs a partly done job again at the cron service's next poll (a minute):
                # wake it up now instead
                self._queue_job()._trigger()
                return

    @api.model
    def _process_pending(self, done_up_to, batch_size, keep_up_until):
        """Handle the pushes after ``done_up_to``, marked at work (see ``queue_wakeup``), until
        none is left or the time is up. Returns the last push handled and whether the time is
        up."""
        Cron = self.env["ir.cron"]
        while True:
            queue_wakeup.hold_queue(self.env.cr)
            messages = self.search(
                PENDING & Domain("id", ">", done_up_to), limit=batch_size, order="id"
            )
            if not messages:
                return done_up_to, False
            messages._process_batch()
            done_up_to = messages[-1].id
            in_slot = Cron._commit_progress(len(messages))
            if not in_slot and time.monotonic() > keep_up_until:
                return done_up_to, True

    @api.model
    def _pending_once_stored(self, done_up_to):
        """How many pushes after ``done_up_to`` wait, counted once every push that found the job
        at work is committed."""
        commit = self.env["ir.cron"]._commit_progress
        commit()
        queue_wakeup.await_pushes_being_stored(self.env.cr)
        commit()
        return self.search_count(PENDING & Domain("id", ">", done_up_to))

    def _process_batch(self):
        """Handle these pushes together; when that fails, one by one, so that only the push
        that fails waits for the next run."""
        try:
            with self.env.cr.savepoint():
                self._dispatch_batch()
        except Exception as error:  # noqa: BLE001 - one bad push must not stop the queue
            _logger.info("A batch of WeChat pushes failed (%s): handling them one by one.", error)
            self.env.invalidate_all()
            for message in self:
                message._process_one()
            return
        self.sudo().write({"state": "done", "error": False})

    def _dispatch_batch(self):
        """In their order: each run of plain texts and of subscriptions that make no customer
        handled together (texts: the follower's last message and the chatter; subscriptions:
        the followers' details, then their leads made at once), every other push through
        ``_dispatch``."""
        self._link_followers()
        run = self.browse()
        for message in self:
            if message._handled_in_runs():
                run |= message
                continue
            run._dispatch_run()
            run = self.browse()
            message._dispatch()
        run._dispatch_run()

    def _handled_in_runs(self):
        """Plain texts, and subscriptions to an account that makes leads or nothing of its
        followers (making a customer counts the rep's customers: one at a time)."""
        self.ensure_one()
        if self.msg_type == "text" and not self.event:
            return True
        account = self.account_id.sudo()
        return self.event in ("subscribe", "subscribe_scan") and (
            account.conversion_trigger != "auto" or account.conversion_target == "lead"
        )

    def _dispatch_run(self):
        texts = self.filtered(lambda message: not message.event)
        subscriptions = self - texts
        subscriptions._dispatch_subscriptions()
        texts._dispatch_texts()

    def _dispatch_subscriptions(self):
        if not self:
            return
        self.follower_id._record_subscriptions(
            [
                (message.follower_id, message._when(), scene_of(message.event_key))
                for message in self
            ]
        )

    def _link_followers(self):
        """Each push's follower, found or created with one query per account."""
        for account in self.account_id:
            messages = self.filtered(lambda message, account=account: message.account_id == account)
            openids = list(dict.fromkeys(messages.mapped("openid")))
            followers = self.env["wechat.follower"].sudo()._ensure_followers(account, openids)
            follower_of = {follower.openid: follower for follower in followers}
            for openid, pushes in messages.grouped("openid").items():
                pushes.follower_id = follower_of[openid]

    def _dispatch_texts(self):
        if not self:
            return
        self.follower_id._record_texts(
            [(message.follower_id, message._when(), message.content) for message in self]
        )
        for message in self:
            message.follower_id._react_to_text(message.content)

    def _when(self):
        return self.sent_at or fields.Datetime.now()

    def _process_one(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._dispatch()
            self.sudo().write({"state": "done", "error": False})
        except Exception as error:  # noqa: BLE001 - one bad push must not stop the queue
            detail = self.account_id._api_error_detail(error)
            _logger.warning("WeChat push %s failed: %s", self.dedupe_key, detail)
            attempts = self.attempts + 1
            self.sudo().write(
                {
                    "attempts": attempts,
                    "error": detail,
                    "state": "error" if attempts >= MAX_ATTEMPTS else "pending",
                }
            )

    def _dispatch(self):
        follower = (
            self.env["wechat.follower"].sudo()._ensure_followers(self.account_id, [self.openid])
        )
        self.follower_id = follower
        when = self._when()
        if self.event in ("subscribe", "subscribe_scan"):
            follower._on_subscribe(when, scene=scene_of(self.event_key))
        elif self.event == "scan":
            follower._on_scan(when, self.event_key)
        elif self.event == "unsubscribe":
            follower._on_unsubscribe(when)
        elif self.msg_type == "text":
            follower._on_text(when, self.content)
