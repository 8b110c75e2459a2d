from odoo import api, fields, models

SEND_CHANNELS = [("sms", "SMS"), ("email", "E-mail")]
SEND_STATES = [("sent", "Sent"), ("delivered", "Delivered"), ("failed", "Failed")]
# Odoo's notification status of the message sent -> ours
NOTIFICATION_TO_STATE = {
    "ready": "sent",
    "process": "sent",
    "pending": "sent",
    "sent": "delivered",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "failed",
}


class AftersalesVisitSend(models.Model):
    """One message sent to the customer for a revisit: what, to whom, when, and what became
    of it (from Odoo's notification of the message: delivery reports of SMS, mail errors)."""

    _name = "aftersales.visit.send"
    _description = "Revisit Message Sent"
    _order = "sent_on desc, id desc"

    visit_id = fields.Many2one(
        comodel_name="aftersales.visit", required=True, ondelete="cascade", index=True
    )
    channel = fields.Selection(selection=SEND_CHANNELS, required=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="To", readonly=True)
    recipient = fields.Char(string="Number or Address", readonly=True)
    sent_on = fields.Datetime(default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Sent By", default=lambda self: self.env.user
    )
    message_id = fields.Many2one(
        comodel_name="mail.message",
        string="Chatter Message",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    body = fields.Text(string="Text Sent", readonly=True)
    failure = fields.Char(readonly=True, help="Why nothing went out (no number, no address...).")
    # computed when read, not stored: a stored field depending on the notifications would make
    # every notification written anywhere look for sends
    state = fields.Selection(selection=SEND_STATES, compute="_compute_state")
    error = fields.Char(compute="_compute_state")

    @api.depends(
        "failure",
        "message_id.notification_ids.notification_status",
        "message_id.notification_ids.failure_reason",
    )
    def _compute_state(self):
        for send in self:
            if not send.message_id:
                send.state = "failed" if send.failure else "sent"
                send.error = send.failure
                continue
            notifications = send.sudo().message_id.notification_ids.filtered(
                lambda n, send=send: (
                    n.notification_type == send.channel
                    and (not send.partner_id or n.res_partner_id == send.partner_id)
                )
            )
            states = {
                NOTIFICATION_TO_STATE.get(n.notification_status, "sent") for n in notifications
            }
            if send.channel == "email" and states == {"delivered"}:
                states = {"sent"}  # the mail server took it; nobody reports more
            failed = notifications.filtered(
                lambda n: NOTIFICATION_TO_STATE.get(n.notification_status) == "failed"
            )
            if failed:
                send.state = "failed"
                send.error = failed[0].failure_reason or dict(
                    failed[0]._fields["failure_type"]._description_selection(self.env)
                ).get(failed[0].failure_type)
            else:
                send.state = "delivered" if states == {"delivered"} else "sent"
                send.error = False
