from odoo import api, fields, models


class SaleOrderExecuteWizard(models.TransientModel):
    """Sell in one step (销售开单): payment received, goods out of stock and shipped."""

    _name = "sale.order.execute.wizard"
    _description = "Execute Contract"

    order_id = fields.Many2one(comodel_name="sale.order", required=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Payment Journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        default=lambda self: self.env["account.journal"].search(
            [("type", "in", ("bank", "cash")), ("company_id", "=", self.env.company.id)],
            limit=1,
        ),
    )
    company_id = fields.Many2one(related="order_id.company_id")
    amount = fields.Monetary(string="Amount Received")
    payment_date = fields.Date(required=True, default=fields.Date.context_today)
    allow_partial = fields.Boolean(
        string="Deliver What Is in Stock",
        help="When stock is short, deliver what is available and keep the rest as a backorder.",
    )

    @api.onchange("order_id")
    def _onchange_order_id(self):
        self.amount = self.order_id.amount_total

    def action_execute(self):
        self.ensure_one()
        self.order_id._execute_contract(
            self.journal_id, self.amount, self.payment_date, self.allow_partial
        )
        return {"type": "ir.actions.act_window_close"}
