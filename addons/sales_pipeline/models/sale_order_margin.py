from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.actions import window_action


class SaleOrder(models.Model):
    _inherit = "sale.order"

    return_ids = fields.One2many(
        comodel_name="sale.order.return", inverse_name="order_id", string="Returns"
    )
    return_count = fields.Integer(compute="_compute_return_count")
    margin_after_returns = fields.Monetary(
        compute="_compute_margin_after_returns",
        help="The margin of the contract less the margin of the goods taken back.",
    )

    @api.depends("return_ids")
    def _compute_return_count(self):
        for order in self:
            order.return_count = len(order.return_ids)

    @api.depends("margin", "return_ids.state", "return_ids.line_ids.quantity")
    def _compute_margin_after_returns(self):
        for order in self:
            returned = 0.0
            for line in order.sudo().return_ids.filtered(lambda r: r.state == "done").line_ids:
                sale_line = line.sale_line_id
                if sale_line.product_uom_qty:
                    returned += sale_line.margin / sale_line.product_uom_qty * line.quantity
            order.margin_after_returns = order.margin - returned

    # ------------------------------------------------------------------
    # Returns (退货)
    # ------------------------------------------------------------------

    def action_new_return(self):
        self.ensure_one()
        if self.state != "sale":
            raise UserError(self.env._("Only a confirmed contract can have returns."))
        return window_action(
            self.env,
            "sale.order.return",
            name=self.env._("New Return"),
            view_mode="form",
            context={
                "default_order_id": self.id,
                "default_line_ids": self.env["sale.order.return"]._prepare_lines_for(self),
            },
        )

    def action_view_returns(self):
        self.ensure_one()
        return window_action(
            self.env,
            "sale.order.return",
            name=self.env._("Returns"),
            domain=[("order_id", "=", self.id)],
            context={"default_order_id": self.id},
        )
