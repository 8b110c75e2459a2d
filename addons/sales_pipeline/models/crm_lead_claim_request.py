from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

REQUEST_STATES = [
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class CrmLeadClaimRequest(models.Model):
    """A rep's request to follow an unassigned project (申请领用), decided by a sales manager
    through the approval engine."""

    _name = "crm.lead.claim.request"
    _description = "Project Claim Request"
    _inherit = ["mail.thread", "sales.pipeline.approval.mixin"]
    _order = "create_date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one(
        comodel_name="crm.lead",
        string="Project",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Requested By",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        readonly=True,
    )
    note = fields.Text(string="Why", readonly=True)
    state = fields.Selection(
        selection=REQUEST_STATES, default="pending", required=True, readonly=True, tracking=True
    )
    decided_by_id = fields.Many2one(comodel_name="res.users", compute="_compute_decision")
    decided_on = fields.Datetime(compute="_compute_decision")
    decision_reason = fields.Text(string="Reason of the Decision", compute="_compute_decision")

    _one_pending_per_rep = models.UniqueIndex("(lead_id, user_id) WHERE state = 'pending'")

    def _get_system_fields(self):
        return super()._get_system_fields() | {"state"}

    @api.depends("approval_ids.state")
    def _compute_decision(self):
        self._fill_last_decision("claim")

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        for request in requests:
            managers = self.env["sales.pipeline.approval"]._sales_managers()
            request.with_user(request.user_id)._request_approval(
                "claim", [(self.env._("Sales Managers"), managers)]
            )
        return requests

    def _approval_partner(self):
        return self.sudo().lead_id.partner_id

    def action_approve(self, reason=False):
        """Make the requester the owner of the project; other pending requests are rejected."""
        return self._decide_approval("claim", True, reason)

    def action_reject(self, reason):
        """Refuse the requests, telling the requesters why."""
        return self._decide_approval("claim", False, reason)

    def action_cancel(self):
        for request in self:
            if request.user_id != self.env.user:
                raise AccessError(self.env._("Only the requester can cancel a claim request."))
        self._check_pending()
        self.sudo().write({"state": "cancelled"})
        self._withdraw_approval("claim")
        return True

    def _on_claim_approved(self):
        lead = self.lead_id.sudo()
        if lead.user_id:
            raise UserError(
                self.env._(
                    "%(project)s has been assigned to %(owner)s meanwhile.",
                    project=lead.name,
                    owner=lead.user_id.name,
                )
            )
        self.sudo().write({"state": "approved"})
        lead.write({"user_id": self.user_id.id})
        others = lead.claim_request_ids.filtered(lambda r: r.state == "pending") - self
        others._reject_pending(self.env._("The project went to %s.", self.user_id.name))
        lead.message_post(
            body=self.env._(
                "Claim of %(rep)s approved by %(manager)s.",
                rep=self.user_id.name,
                manager=self.env.user.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _on_claim_rejected(self, reason):
        self.sudo().write({"state": "rejected"})
        self.lead_id.sudo().message_post(
            body=self.env._(
                "Claim of %(rep)s rejected by %(manager)s: %(reason)s",
                rep=self.user_id.name,
                manager=self.env.user.name,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _reject_pending(self, reason):
        """Reject these requests as the application does: the project went elsewhere."""
        for request in self:
            request._current_approval("claim")._reject(reason)

    def _check_pending(self):
        decided = self.filtered(lambda r: r.state != "pending")
        if decided:
            raise UserError(self.env._("This request has already been decided."))
