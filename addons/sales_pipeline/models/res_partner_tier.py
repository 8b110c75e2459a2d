from odoo import api, fields, models
from odoo.tools import SQL

from .sale_order_discount_rule import CUSTOMER_TIERS


class ResPartner(models.Model):
    """Customer tier (new / old / premium), which the discount rules of quotations depend on."""

    _inherit = "res.partner"

    is_premium_customer = fields.Boolean(
        string="Premium Customer",
        copy=False,
        help="Set by a sales manager: the customer gets the premium tier's discounts (优等客户).",
    )
    customer_tier = fields.Selection(
        selection=CUSTOMER_TIERS,
        compute="_compute_customer_tier",
        help="New until a first order is confirmed, then old; premium when a manager says so "
        "or its value grade is a premium one.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("is_premium_customer", "value_grade_id.is_premium", "commercial_partner_id")
    def _compute_customer_tier(self):
        customers = self.commercial_partner_id
        with_orders = set()
        if customers.ids:
            self.env["sale.order"].flush_model(["state", "partner_id"])
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env.cr.execute(
                SQL(
                    """
                SELECT DISTINCT p.commercial_partner_id FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND p.commercial_partner_id IN %s
                """,
                    tuple(customers.ids),
                )
            )
            with_orders = {row[0] for row in self.env.cr.fetchall()}
        for partner in self:
            customer = partner.commercial_partner_id
            if customer.is_premium_customer or customer.value_grade_id.is_premium:
                partner.customer_tier = "premium"
            elif customer.id in with_orders:
                partner.customer_tier = "old"
            else:
                partner.customer_tier = "new"
