from odoo import models
from odoo.tools import email_normalize, html2plaintext

from ..tools.reply_answers import read_score, read_yes_no, split_answers
from .mail_thread import AUTOMATIC_REPLY_KEY, TRUSTED_GATEWAY_KEY


class AftersalesVisit(models.Model):
    """Answers the customer gives without the link: a reply to the revisit e-mail (or, with
    aftersales_wechat, a WeChat text). Read only when every required answer can be read;
    otherwise nothing is written and the reply stays in the chatter for staff."""

    _inherit = "aftersales.visit"

    def _for_staff(self):
        """This revisit in its assignee's language, for the notes a customer's action writes
        (the customer's own request may be in another)."""
        self.ensure_one()
        lang = self.user_id.lang or self.company_id.partner_id.lang
        return self.with_context(lang=lang) if lang else self

    def _customer_answer(self, values, how):
        """Record the customer's answers (``values``: answer -> score / yes_no / text) and
        complete the revisit: a bad answer escalates as if staff typed it. Called as superuser
        once the caller checked who answers."""
        self.ensure_one()
        self._write_answers(values)
        self.message_post(body=how, subtype_xmlid="mail.mt_note")
        self.action_complete()

    def _write_answers(self, values):
        """Write the customer's answers (``values``: answer -> score / yes_no / text)."""
        for answer in self.answer_ids:
            answer.write(values.get(answer.id, {}))

    def _answers_from_text(self, text):
        """The answers ``text`` gives (answer -> values), or None when a required answer is
        missing or unreadable."""
        answers = self.answer_ids.sorted("sequence")
        parts = split_answers(text, len(answers))
        if parts is None:
            return None
        values = {}
        for answer, part in zip(answers, parts, strict=True):
            value = self._read_answer(answer, part) if part else {}
            if answer.required and not value:
                return None
            values[answer.id] = value
        return values

    def _read_answer(self, answer, part):
        kind = answer.answer_type or "text"
        if kind == "score":
            score = read_score(part)
            return {"score": score} if score else {}
        if kind == "yes_no":
            yes_no = read_yes_no(part)
            return {"yes_no": yes_no} if yes_no else {}
        return {"text": part[:2000]}

    def _answer_from_reply(self, text, how):
        """Complete this open revisit from a text reply; False when it cannot be read."""
        self.ensure_one()
        if self.state != "open":
            return False
        values = self._answers_from_text(text)
        if values is None:
            return False
        self._customer_answer(values, how)
        return True

    def message_update(self, msg_dict, update_vals=None):
        """A reply to the revisit e-mail from the customer answers the questions. Only mail the
        gateway brings (message_process called by the superuser or a system user) counts: a user
        calling message_process or this method over RPC, with any From header, does not answer
        for the customer; nor does an automatic reply (out of office...)."""
        res = super().message_update(msg_dict, update_vals=update_vals)
        context = self.env.context
        if not (self.env.su and context.get(TRUSTED_GATEWAY_KEY) is True):
            return res
        if context.get(AUTOMATIC_REPLY_KEY):
            return res
        for visit in self:
            visit = visit._for_staff()
            if visit._is_customer_email_reply(msg_dict):
                text = html2plaintext(msg_dict.get("body") or "")
                answered = visit._answer_from_reply(
                    text, visit.env._("Answered by the customer in an e-mail reply.")
                )
                if not answered and visit.state == "open":
                    visit.message_post(
                        body=visit.env._(
                            "The customer's e-mail reply could not be read as answers: "
                            "please record them by hand."
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
        return res

    def _is_customer_email_reply(self, msg_dict):
        if self.state != "open" or self._sending_code() != "email":
            return False
        sender = email_normalize(msg_dict.get("email_from") or "")
        customers = self._recipient() | self.partner_id
        return bool(sender) and sender in {
            email_normalize(email) for email in customers.mapped("email") if email
        }
