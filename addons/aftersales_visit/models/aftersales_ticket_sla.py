from markupsafe import Markup

from odoo import api, fields, models


class AftersalesTicket(models.Model):
    """SLA breaches escalate: the after-sales managers of the ticket's company get an activity
    and a notice, once per ticket; the kanban shows the ticket escalated."""

    _inherit = "aftersales.ticket"

    sla_escalated = fields.Boolean(string="SLA Escalated", readonly=True, copy=False, tracking=True)

    _sla_due_index = models.Index(
        "(sla_deadline) WHERE is_closed IS NOT TRUE AND sla_escalated IS NOT TRUE"
    )

    @api.model
    def _cron_escalate_sla_breaches(self, batch_size=200):
        """Escalate the open tickets past their SLA deadline (each once)."""
        Cron = self.env["ir.cron"]
        due = [
            ("is_closed", "=", False),
            ("sla_escalated", "=", False),
            ("sla_deadline", "<", fields.Datetime.now()),
        ]
        while tickets := self.search(due, limit=batch_size, order="sla_deadline, id"):
            for ticket in tickets:
                ticket._escalate_sla_breach()
            if not Cron._commit_progress(len(tickets)):
                break

    def _escalate_sla_breach(self):
        self.ensure_one()
        managers = self._sla_managers()
        summary = self.env._("SLA breached: %s", self.display_name)
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=summary,
                note=Markup("<p>%s</p>")
                % self.env._(
                    "The deadline was %(deadline)s; handled by %(user)s.",
                    deadline=fields.Datetime.to_string(self.sla_deadline),
                    user=self.user_id.name or "-",
                ),
            )
        self.message_post(
            body=summary,
            partner_ids=managers.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        self.sla_escalated = True

    def _sla_managers(self):
        managers = self.env.ref("aftersales_visit.group_aftersales_manager").sudo().all_user_ids
        return managers.filtered(
            lambda u: (
                u.active
                and not u.share
                and self.company_id in u.company_ids
                and u != self.env.ref("base.user_root")
            )
        )
