from odoo import fields, models

STEP_STATES = [("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")]


class SaleOrderApprovalStep(models.Model):
    """A level of approval of one submitted contract, and its decision."""

    _name = "sale.order.approval.step"
    _description = "Contract Approval Step"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one(
        comodel_name="sale.order", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    level_id = fields.Many2one(comodel_name="sale.order.approval.level", ondelete="set null")
    approver_ids = fields.Many2many(comodel_name="res.users", string="Approvers")
    state = fields.Selection(selection=STEP_STATES, default="pending", required=True)
    decided_by_id = fields.Many2one(comodel_name="res.users")
    decided_on = fields.Datetime()
    decision_note = fields.Text(string="Comment")
