from markupsafe import Markup

from odoo import models


class AftersalesVisit(models.Model):
    """What a bad answer does: a complaint ticket, or the after-sales managers alerted."""

    _inherit = "aftersales.visit"

    def _escalate(self, bad_answers):
        stage = self.stage_id
        reasons = "\n".join(f"{a.question}: {a.score or a.yes_no}" for a in bad_answers)
        if stage.escalation == "complaint":
            ticket = (
                self.env["aftersales.ticket"].sudo().create(self._prepare_complaint_vals(reasons))
            )
            self.sudo().escalation_ticket_id = ticket
        elif stage.escalation == "manager":
            for manager in self._escalation_managers():
                self.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=self.env._("Unhappy customer: %s", self.partner_id.name),
                    note=Markup("<p>%s</p>") % reasons,
                )

    def _escalation_managers(self):
        managers = self.env.ref("aftersales_visit.group_aftersales_manager").sudo().all_user_ids
        return managers.filtered(
            lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id
        )

    def _prepare_complaint_vals(self, reasons):
        # Written for the people who will handle it, whoever (or whichever job) completes the visit.
        lang = self.user_id.lang or self.partner_id.lang or self.env.lang
        handler = (
            self.env.user
            if self.env.user._is_internal()
            and self.env.user.has_group("aftersales_visit.group_aftersales_user")
            and not self.env.su
            else self.env["res.users"]
        )
        return {
            "name": self.with_context(lang=lang).env._(
                "Bad revisit answer: %s", self.partner_id.name
            ),
            "user_id": handler.id,
            "ticket_type": "complaint",
            "priority": "2",
            "partner_id": self.partner_id.id,
            "sale_order_id": self.sale_order_id.id,
            "visit_id": self.id,
            "company_id": self.company_id.id,
            "description": Markup("<p>%s</p><pre>%s</pre>") % (self.name, reasons),
        }
