from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_visit_send import SEND_STATES

SENDING_METHODS = ("sms", "email")


class AftersalesVisit(models.Model):
    """Revisits that send: by SMS (Odoo's sms, through the company's provider) or e-mail, each
    send recorded with what became of it; a failed send leaves the revisit due, with the error."""

    _inherit = "aftersales.visit"

    send_ids = fields.One2many(
        comodel_name="aftersales.visit.send", inverse_name="visit_id", string="Messages Sent"
    )
    send_state = fields.Selection(
        selection=SEND_STATES,
        compute="_compute_last_send",
        string="Last Send",
        help="What became of the last message sent.",
    )
    send_error = fields.Char(compute="_compute_last_send")
    questions_text = fields.Text(
        compute="_compute_questions_text", help="The questions in one text, for SMS templates."
    )
    sends_by_itself = fields.Boolean(
        compute="_compute_sends_by_itself",
        help="The stage's method sends the questions to the customer (SMS, e-mail).",
    )

    @api.depends("send_ids.state", "send_ids.error", "send_ids.sent_on")
    def _compute_last_send(self):
        for visit in self:
            last = visit.send_ids.sorted(lambda s: (s.sent_on, s.id))[-1:]
            visit.send_state = last.state
            visit.send_error = last.error

    @api.depends("method_code")
    def _compute_sends_by_itself(self):
        codes = self._sending_codes()
        for visit in self:
            visit.sends_by_itself = visit._sending_code() in codes

    def _sending_codes(self):
        """The methods that send to the customer by themselves."""
        return set(SENDING_METHODS)

    def _sending_code(self):
        """The method the revisit's questions (or its link) are sent by."""
        return self.method_code

    def action_send_to_customer(self):
        """Send (or send again) the revisit's questions by its stage's method."""
        for visit in self:
            if not visit.sends_by_itself:
                raise UserError(
                    self.env._(
                        "%(visit)s is made by %(method)s: nothing to send.",
                        visit=visit.name,
                        method=visit.method_id.name,
                    )
                )
            if visit.state not in ("planned", "open"):
                raise UserError(self.env._("%s is no longer waiting for answers.", visit.name))
        for visit in self:
            if visit.state == "planned":
                visit._start()
            visit._send_to_customer(queue=False)
        return True

    def _send_to_customer(self, queue=True):
        """Send the questions and the link to answer them by the stage's method; a failure is
        recorded, never raised."""
        self.ensure_one()
        self._portal_ensure_token()
        self._send_by_method(queue)

    def _send_by_method(self, queue):
        code = self._sending_code()
        if code == "sms":
            self._send_sms(queue)
        elif code == "email":
            self._send_email()

    def _recipient(self):
        return self.contact_id or self.partner_id

    def _send_sms(self, queue):
        who = self._recipient()
        number = self.phone
        body = self._sms_body()
        if not number:
            return self._record_send("sms", who, False, body, error=self.env._("No mobile number."))
        message = self._message_sms(
            body,
            partner_ids=who.ids,
            sms_pid_to_number={who.id: number},
            put_in_queue=queue,
        )
        return self._record_send("sms", who, number, body, message=message)

    def _send_email(self):
        who = self._recipient()
        template = self.stage_id._mail_template()
        if not who.email:
            return self._record_send(
                "email", who, False, False, error=self.env._("No e-mail address.")
            )
        message = self.message_post_with_source(
            template, partner_ids=who.ids, subtype_xmlid="mail.mt_comment"
        )
        return self._record_send("email", who, who.email, message.subject or False, message=message)

    def _sms_body(self):
        template = self.stage_id._sms_template()
        return template._render_field("body", self.ids, compute_lang=True)[self.id]

    def _record_send(self, channel, who, recipient, body, message=None, error=None, **extra):
        return (
            self.env["aftersales.visit.send"]
            .sudo()
            .create(
                {
                    "visit_id": self.id,
                    "channel": channel,
                    "partner_id": who.id,
                    "recipient": recipient,
                    "body": body,
                    "message_id": message.id if message else False,
                    "failure": error or False,
                    **extra,
                }
            )
        )

    @api.depends("answer_ids.question", "answer_ids.sequence")
    def _compute_questions_text(self):
        for visit in self:
            visit.questions_text = " ".join(
                f"{index}. {answer.question}"
                for index, answer in enumerate(visit.answer_ids.sorted("sequence"), 1)
            )
