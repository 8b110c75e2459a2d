from odoo import fields, models
from odoo.exceptions import AccessError, UserError

REQUEST_STATES = [
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class CrmLeadClaimRequest(models.Model):
    """A rep's request to follow an unassigned project (申请领用), decided by a manager."""

    _name = "crm.lead.claim.request"
    _description = "Project Claim Request"
    _inherit = ["mail.thread"]
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
    decided_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    decision_note = fields.Text(string="Reason of the Decision", readonly=True)

    _one_pending_per_rep = models.UniqueIndex("(lead_id, user_id) WHERE state = 'pending'")

    def action_approve(self, decision_note=False):
        """Make the requester the owner of the project; other pending requests are rejected."""
        self._check_can_decide()
        for request in self:
            lead = request.lead_id.sudo()
            if lead.user_id:
                raise UserError(
                    self.env._(
                        "%(project)s has been assigned to %(owner)s meanwhile.",
                        project=lead.name,
                        owner=lead.user_id.name,
                    )
                )
            request._decide("approved", decision_note)
            lead.write({"user_id": request.user_id.id})
            others = lead.claim_request_ids.filtered(lambda r: r.state == "pending") - request
            others._decide("rejected", self.env._("The project went to %s.", request.user_id.name))
            lead.message_post(
                body=self.env._(
                    "Claim of %(rep)s approved by %(manager)s.",
                    rep=request.user_id.name,
                    manager=self.env.user.name,
                ),
                partner_ids=request.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_reject(self, decision_note):
        """Refuse the requests, telling the requesters why."""
        self._check_can_decide()
        if not (decision_note or "").strip():
            raise UserError(self.env._("Say why the request is rejected: the rep will read it."))
        self._decide("rejected", decision_note)
        for request in self:
            request.lead_id.sudo().message_post(
                body=self.env._(
                    "Claim of %(rep)s rejected by %(manager)s: %(reason)s",
                    rep=request.user_id.name,
                    manager=self.env.user.name,
                    reason=decision_note,
                ),
                partner_ids=request.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        for request in self:
            if request.user_id != self.env.user:
                raise AccessError(self.env._("Only the requester can cancel a claim request."))
        self._check_pending()
        self.sudo().write({"state": "cancelled"})
        return True

    def _decide(self, state, decision_note):
        self._check_pending()
        self.sudo().write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
                "decision_note": decision_note or False,
            }
        )

    def _check_pending(self):
        decided = self.filtered(lambda r: r.state != "pending")
        if decided:
            raise UserError(self.env._("This request has already been decided."))

    def _check_can_decide(self):
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can decide claim requests."))
        if any(request.user_id == self.env.user for request in self):
            raise AccessError(self.env._("You cannot decide your own claim request."))
