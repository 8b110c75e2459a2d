from odoo import api, fields, models
from odoo.exceptions import AccessError

# what a manager approves with a line's discount: the discount on what, how much, at what price
DISCOUNT_APPROVAL_TERMS = frozenset(
    {"discount", "product_id", "product_uom_qty", "product_uom_id", "price_unit"}
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    discount_rule_id = fields.Many2one(
        comodel_name="sale.order.discount.rule",
        compute="_compute_discount_rule_id",
        store=True,
    )
    discount_max = fields.Float(related="discount_rule_id.max_discount", string="Max. Discount")
    discount_over_max = fields.Boolean(
        string="Above Max. Discount", compute="_compute_discount_over_max"
    )

    @api.depends("product_id", "order_id.partner_id", "order_id.company_id")
    def _compute_discount_rule_id(self):
        Rule = self.env["sale.order.discount.rule"]
        rules_by_key = {}  # one search per tier and company, not per line
        for line in self:
            tier = line.order_id.partner_id.commercial_partner_id.customer_tier
            company = line.order_id.company_id
            if line.product_id and not line.display_type and tier:
                if (tier, company) not in rules_by_key:
                    rules_by_key[tier, company] = Rule._rules_of(tier, company)
                line.discount_rule_id = Rule._find_for(
                    tier, line.product_id, company, rules_by_key[tier, company]
                )
            else:
                line.discount_rule_id = False

    @api.depends("discount", "discount_rule_id.max_discount")
    def _compute_discount_over_max(self):
        for line in self:
            line.discount_over_max = (
                bool(line.discount_rule_id) and line.discount > line.discount_rule_id.max_discount
            )

    def _compute_discount(self):
        res = super()._compute_discount()
        for line in self:
            if line.discount_rule_id and not line.discount:
                line.discount = line.discount_rule_id.default_discount
        return res

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_cost_is_the_products(any("purchase_price" in vals for vals in vals_list))
        lines.order_id._check_not_superseded()
        lines.order_id._reset_discount_approval()
        lines.order_id._withdraw_outdated_contract_approval()
        return lines

    def write(self, vals):
        self.order_id._check_not_superseded()
        res = super().write(vals)
        self._check_cost_is_the_products("purchase_price" in vals)
        if vals.keys() & DISCOUNT_APPROVAL_TERMS:
            self.order_id._reset_discount_approval()
        self.order_id._withdraw_outdated_contract_approval()
        return res

    def _check_cost_is_the_products(self, cost_given):
        """The cost behind the margin that approval rules read is the product's: a form sends it
        back as computed, a rep may not lower it (a sales manager may)."""
        if not cost_given or self.env.su or self.env.user._is_sales_manager():
            return
        for line in self.sudo():
            given = line.purchase_price
            line._compute_purchase_price()
            if line.currency_id.compare_amounts(given, line.purchase_price):
                raise AccessError(
                    self.env._(
                        "Only a sales manager can change the cost of %s.",
                        line.product_id.display_name or line.name,
                    )
                )

    def unlink(self):
        orders = self.order_id
        orders._check_not_superseded()
        res = super().unlink()
        orders.exists()._withdraw_outdated_contract_approval()
        return res

    def _returnable_quantity(self, exclude=None):
        """Delivered, minus what open returns (not yet taken back) already claim."""
        self.ensure_one()
        pending = (
            self.env["sale.order.return.line"]
            .sudo()
            .search(
                [
                    ("sale_line_id", "=", self.id),
                    ("return_id.state", "in", ("draft", "pending", "approved")),
                    ("return_id", "not in", (exclude or self.env["sale.order.return"]).ids),
                ]
            )
        )
        return self.qty_delivered - sum(pending.mapped("quantity"))
