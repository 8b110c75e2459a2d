from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.records import as_record_id

# what a manager approves with a line's discount: the discount on what, how much, at what price
DISCOUNT_APPROVAL_TERMS = frozenset(
    {"discount", "product_id", "product_uom_qty", "product_uom_id", "price_unit"}
)
# what a confirmed contract sells, at what price and cost, and what kind of line it is
CONFIRMED_CONTRACT_TERMS = DISCOUNT_APPROVAL_TERMS | {"tax_ids", "purchase_price", "is_downpayment"}


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
        lines._check_confirmed_contract_kept()
        lines._check_cost_is_the_products(any("purchase_price" in vals for vals in vals_list))
        lines.order_id._check_not_superseded()
        lines.order_id._reset_discount_approval()
        lines.order_id._withdraw_outdated_contract_approval()
        return lines

    def write(self, vals):
        self.order_id._check_not_superseded()
        self._check_line_stays_on_its_order(vals)
        self._check_delivered_comes_from_deliveries(vals)
        changed = self._lines_whose_terms_change(vals)
        res = super().write(vals)
        changed._check_confirmed_contract_kept()
        self._check_cost_is_the_products("purchase_price" in vals)
        if vals.keys() & DISCOUNT_APPROVAL_TERMS:
            self.order_id._reset_discount_approval()
        self.order_id._withdraw_outdated_contract_approval()
        return res

    def _check_line_stays_on_its_order(self, vals):
        """A line is not moved to another order: it would carry its discount past the other
        order's approval."""
        if "order_id" in vals and not self.env.su:
            new_id = as_record_id(vals["order_id"])
            if any(line.order_id.id != new_id for line in self):
                raise UserError(self.env._("A line stays on its order: add it to the other one."))

    def _check_delivered_comes_from_deliveries(self, vals):
        """As Odoo's form says: a delivered quantity is typed only where it is not counted from
        deliveries (services delivered by hand); returns and refunds rely on it."""
        if "qty_delivered" in vals and not self.env.su:
            counted = self.filtered(
                lambda line: (
                    line.qty_delivered_method != "manual" and line.order_id._is_managed_contract()
                )
            )
            if counted:
                raise UserError(
                    self.env._(
                        "The delivered quantity of %s comes from its deliveries.",
                        self.order_id[:1].name,
                    )
                )

    def _lines_whose_terms_change(self, vals):
        terms = vals.keys() & CONFIRMED_CONTRACT_TERMS
        if not terms or self.env.su:
            return self.browse()
        return self._changed_by(vals, terms)

    def _check_confirmed_contract_kept(self):
        """What a confirmed contract of a managed customer sells, and at what price, changes
        through a return or a renewal, or by a sales manager: not by a rep adding units, lines
        or discounts past its approvals."""
        if self.env.su or self.env.user._is_sales_manager():
            return
        touched = self.filtered(
            lambda line: (
                line.order_id.state == "sale"
                and not line.display_type
                and line.order_id._is_managed_contract()
            )
        )
        if touched:
            raise UserError(
                self.env._(
                    "%s is a confirmed contract: what it sells changes through a return or a "
                    "renewal, or by a sales manager.",
                    touched[0].order_id.name,
                )
            )

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
