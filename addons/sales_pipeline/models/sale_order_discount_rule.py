from odoo import api, fields, models
from odoo.exceptions import ValidationError

CUSTOMER_TIERS = [
    ("new", "New Customer"),
    ("old", "Old Customer"),
    ("premium", "Premium Customer"),
]


class SaleOrderDiscountRule(models.Model):
    """Discount of a customer tier (老客户/新客户/优等客户), optionally for a product category."""

    _name = "sale.order.discount.rule"
    _description = "Quotation Discount Rule"
    _order = "tier, product_category_id, sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    tier = fields.Selection(selection=CUSTOMER_TIERS, required=True)
    product_category_id = fields.Many2one(
        comodel_name="product.category",
        help="Leave empty for every product; a rule of the product's category (or a parent) wins.",
    )
    default_discount = fields.Float(string="Default Discount (%)", digits="Discount")
    max_discount = fields.Float(
        string="Max. Discount by Reps (%)",
        digits="Discount",
        help="A line above it needs a sales manager's approval before the quotation is sent "
        "or confirmed.",
    )
    company_id = fields.Many2one(comodel_name="res.company", default=lambda self: self.env.company)

    @api.depends("tier", "product_category_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        tiers = dict(self._fields["tier"]._description_selection(self.env))
        for rule in self:
            scope = rule.product_category_id.display_name or self.env._("All Products")
            rule.display_name = f"{tiers.get(rule.tier, '')} · {scope}"

    @api.constrains("default_discount", "max_discount")
    def _check_discounts(self):
        for rule in self:
            if not (0 <= rule.default_discount <= 100 and 0 <= rule.max_discount <= 100):
                raise ValidationError(self.env._("Discounts are percentages between 0 and 100."))
            if rule.default_discount > rule.max_discount:
                raise ValidationError(
                    self.env._(
                        "The default discount of %s cannot be above the maximum reps may give.",
                        rule.display_name,
                    )
                )

    @api.model
    def _find_for(self, tier, product, company, rules=None):
        """The most specific active rule of ``tier`` for ``product`` (among ``rules`` when
        given)."""
        if not tier:
            return self.browse()
        if rules is None:
            rules = self._rules_of(tier, company)
        category = product.categ_id
        while category:
            for rule in rules:
                if rule.product_category_id == category:
                    return rule
            category = category.parent_id
        return rules.filtered(lambda r: not r.product_category_id)[:1]

    @api.model
    def _rules_of(self, tier, company):
        return self.search([("tier", "=", tier), ("company_id", "in", [company.id, False])])
