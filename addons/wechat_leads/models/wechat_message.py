import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import scene_of

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


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
        and wake the queue job up unless it already has work waiting.

        Plain SQL, no ORM: the callback must answer WeChat within 5 seconds under load.
        Returns True when the message is new.
        """
        msg_type = (message.get("MsgType") or "").lower()
        openid = message.get("FromUserName") or ""
        created = message.get("CreateTime") or "0"
        event = (message.get("Event") or "").lower() or None
        dedupe = message.get("MsgId") or f"{openid}:{created}:{event or msg_type}"
        self.env.cr.execute(
            SQL(
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
        )
        row = self.env.cr.fetchone()
        if row and not self._older_pending(row[0]):
            self.env.ref("wechat_leads.ir_cron_process_messages").sudo()._trigger()
        return bool(row)

    @api.model
    def _older_pending(self, message_id):
        """Whether pushes older than ``message_id`` still wait: the job was woken up for
        them and takes the newer ones in the same run (every 5 minutes at the latest)."""
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM wechat_message WHERE state = 'pending' AND id < %s LIMIT 1",
                message_id,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _cron_process(self, batch_size=200):
        """Handle the stored pushes in order; a failing one is retried on the next runs.
        Forgets the nonces of pushes too old to be replayed first."""
        Cron = self.env["ir.cron"]
        self.env["wechat.callback.nonce"]._purge()
        domain = [("state", "=", "pending")]
        Cron._commit_progress(remaining=self.search_count(domain))
        while messages := self.search(domain, limit=batch_size, order="id"):
            for message in messages:
                message._process_one()
            if not Cron._commit_progress(len(messages)):
                break

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
        when = self.sent_at or fields.Datetime.now()
        if self.event in ("subscribe", "subscribe_scan"):
            follower._on_subscribe(when, scene=scene_of(self.event_key))
        elif self.event == "scan":
            follower._on_scan(when, self.event_key)
        elif self.event == "unsubscribe":
            follower._on_unsubscribe(when)
        elif self.msg_type == "text":
            follower._on_text(when, self.content)
