import logging

from markupsafe import Markup

from odoo import models
from odoo.tools import plaintext2html

from odoo.addons.aftersales_visit.tools.reply_answers import looks_like_answers
from odoo.addons.wechat_leads.models.wechat_account import API_ERRORS

_logger = logging.getLogger(__name__)


class WechatFollower(models.Model):
    """A follower linked to a customer files a complaint or a suggestion by writing the
    account's keyword first (投诉 … / 建议 …) and gets the ticket number back."""

    _inherit = "wechat.follower"

    def _react_to_text(self, content):
        res = super()._react_to_text(content)
        kind, text = self._aftersales_request(content)
        if kind:
            self._file_aftersales_ticket(kind, text)
        else:
            self._answer_wechat_revisit(content)
        return res

    def _waiting_wechat_revisit(self):
        """The customer's latest open revisit sent to this follower on WeChat, if any."""
        customer = self.partner_id.commercial_partner_id
        if not customer:
            return self.env["aftersales.visit"]
        sends = (
            self.env["aftersales.visit.send"]
            .sudo()
            .search(
                [
                    ("channel", "=", "wechat"),
                    ("wechat_follower_id", "=", self.id),
                    ("visit_id.state", "=", "open"),
                    ("visit_id.partner_id", "=", customer.id),
                ],
                order="sent_on desc, id desc",
                limit=1,
            )
        )
        return sends.visit_id

    def _answer_wechat_revisit(self, content):
        """A text while a revisit sent on WeChat waits for answers: read it as the answers.
        What cannot be read gets the way to answer back when it looks like an answer."""
        visit = self._waiting_wechat_revisit()
        if not visit:
            return False
        staff_visit = visit._for_staff()
        if staff_visit._answer_from_reply(
            content,
            staff_visit.env._("Answered by the customer on WeChat (%s).", self.display_name),
        ):
            return self._wechat_reply(self.env._("Thank you, we have your answers."))
        if looks_like_answers(content):
            return self._wechat_reply(
                self.env._(
                    "We could not read your answers. Reply with one answer per question, "
                    "e.g. 1.5 2.是 3.送货很快, or answer here: %s",
                    visit.answer_url,
                )
            )
        return False

    def _aftersales_request(self, content):
        """(ticket type, text) when ``content`` starts with one of the account's keywords."""
        content = (content or "").strip()
        account = self.account_id.sudo()
        for kind, keyword in (
            ("complaint", account.complaint_keyword),
            ("suggestion", account.suggestion_keyword),
        ):
            if keyword and content.startswith(keyword.strip()):
                return kind, content[len(keyword.strip()) :].strip(" ：:，,")
        return None, None

    def _on_complaint_menu(self):
        """The follower pressed the account's complaint button: tell them how to file one."""
        account = self.account_id.sudo()
        return self._wechat_reply(
            self.env._(
                "Write %(complaint)s and what happened to file a complaint, or %(suggestion)s "
                "and your idea for a suggestion (e.g. %(complaint)s 货物破损). We send you the "
                "request's number.",
                complaint=account.complaint_keyword or "投诉",
                suggestion=account.suggestion_keyword or "建议",
            )
        )

    def _file_aftersales_ticket(self, kind, text):
        customer = self.partner_id.commercial_partner_id
        if not customer or not customer.is_customer:
            return self._wechat_reply(
                self.env._(
                    "We could not tell which customer you are: please ask your sales "
                    "representative to link your WeChat, or call us."
                )
            )
        if not text:
            return self._wechat_reply(
                self.env._("Please write what happened after the keyword, e.g. 投诉 货物破损.")
            )
        ticket = (
            self.env["aftersales.ticket"]
            .sudo()
            .create(
                {
                    "name": text.splitlines()[0][:60],
                    "ticket_type": kind,
                    "partner_id": customer.id,
                    "user_id": customer.user_id.id,
                    "company_id": self.account_id.sudo().company_id.id,
                    "description": plaintext2html(text[:5000]),
                    "wechat_follower_id": self.id,
                }
            )
        )
        ticket.message_post(
            body=Markup("%s") % self.env._("Filed on WeChat by %s.", self.display_name),
            subtype_xmlid="mail.mt_note",
        )
        return self._wechat_reply(
            self.env._(
                "We have your request %(number)s and will come back to you. "
                "Thank you for telling us.",
                number=ticket.number,
            )
        )

    def _wechat_reply(self, text):
        """A customer-service text to this follower (they just wrote to us: the 48-hour window
        is open). A failure is logged, never raised: the request is kept anyway."""
        account = self.account_id.sudo()
        try:
            account._client().message.send_text(self.openid, text)
        except API_ERRORS as error:
            _logger.warning(
                "WeChat reply to follower %s failed: %s", self.id, account._api_error_detail(error)
            )
            return False
        return True
