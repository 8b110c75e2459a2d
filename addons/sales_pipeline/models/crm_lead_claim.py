from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CrmLead(models.Model):
    """Claiming and assignment of projects (申请领用、批量指派)."""

    _inherit = "crm.lead"

    claim_request_ids = fields.One2many(
        comodel_name="crm.lead.claim.request",
        inverse_name="lead_id",
        string="Claim Requests",
    )
    my_claim_pending = fields.Boolean(compute="_compute_my_claim_pending")

    @api.depends_context("uid")
    @api.depends("claim_request_ids.state", "claim_request_ids.user_id")
    def _compute_my_claim_pending(self):
        for lead in self:
            lead.my_claim_pending = any(
                request.state == "pending" and request.user_id == self.env.user
                for request in lead.sudo().claim_request_ids
            )

    def action_request_claim(self, note=False):
        """Ask a manager for this unassigned project."""
        self.ensure_one()
        self._check_readable_as_if_missing()
        user = self.env.user
        if not user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only salespeople can claim projects."))
        lead = self.sudo()
        if lead.user_id == user:
            raise UserError(self.env._("%s is already yours.", lead.name))
        if lead.user_id:
            raise UserError(
                self.env._(
                    "%(project)s is already followed by %(owner)s.",
                    project=lead.name,
                    owner=lead.user_id.name,
                )
            )
        if lead.claim_request_ids.filtered(lambda r: r.state == "pending" and r.user_id == user):
            raise UserError(
                self.env._(
                    "You have already asked for %s: wait for the manager's answer.", lead.name
                )
            )
        request = (
            self.env["crm.lead.claim.request"]
            .sudo()
            .create({"lead_id": lead.id, "user_id": user.id, "note": note})
        )
        lead.message_post(
            body=self.env._(
                "%(rep)s asks to follow this project.%(why)s",
                rep=user.name,
                why=f" {note}" if note else "",
            ),
            subtype_xmlid="mail.mt_note",
        )
        return request

    def action_assign_to(self, user, note=False):
        """Assign projects to a rep (managers only); the rep is notified."""
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can assign projects."))
        user = self.env["res.partner"]._ensure_sales_user(user)
        self.write({"user_id": user.id})
        pending = self.sudo().claim_request_ids.filtered(lambda r: r.state == "pending")
        pending._reject_pending(self.env._("The project was assigned to %s.", user.name))
        for lead in self:
            lead.message_post(
                body=self.env._(
                    "Assigned to %(rep)s by %(manager)s.%(note)s",
                    rep=user.name,
                    manager=self.env.user.name,
                    note=f" {note}" if note else "",
                ),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True
