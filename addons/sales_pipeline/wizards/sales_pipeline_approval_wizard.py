from odoo import fields, models


class SalesPipelineApprovalWizard(models.TransientModel):
    """Approve or reject an approval level, with a reason for the requester."""

    _name = "sales.pipeline.approval.wizard"
    _description = "Approval Decision"

    approval_id = fields.Many2one(comodel_name="sales.pipeline.approval", required=True)
    decision = fields.Selection(
        selection=[("approve", "Approve"), ("reject", "Reject")], required=True
    )
    reason = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "approve":
            self.approval_id.action_approve(self.reason)
        else:
            self.approval_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
