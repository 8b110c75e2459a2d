from odoo import fields, models


class SaleOrderApprovalWizard(models.TransientModel):
    """Approve or reject a submitted contract, with a note for the rep."""

    _name = "sale.order.approval.wizard"
    _description = "Contract Approval Decision"

    order_id = fields.Many2one(comodel_name="sale.order", required=True)
    decision = fields.Selection(
        selection=[("approve", "Approve"), ("reject", "Reject")], required=True
    )
    decision_note = fields.Text(string="Comment")

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "approve":
            self.order_id.action_approve_contract(self.decision_note)
        else:
            self.order_id.action_reject_contract(self.decision_note)
        return {"type": "ir.actions.act_window_close"}
