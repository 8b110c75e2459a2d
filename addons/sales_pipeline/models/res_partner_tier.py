from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.records import as_record_id
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
        help="Only for managed customers: new until a first order is confirmed, then old; "
        "premium when a manager says so or its value grade is a premium one. Partners nobody "
        "manages have no tier, so no discount rule changes their prices.",
    )

    def _get_manager_fields(self):
        return super()._get_manager_fields() | {"is_premium_customer"}

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # on the new records: a grade may come from the values or from a default
        self._check_premium_grade_by_manager(partners.sudo().value_grade_id.ids)
        return partners

    def write(self, vals):
        if "value_grade_id" in vals:
            self._check_premium_grade_by_manager(
                [vals["value_grade_id"], *self.sudo().value_grade_id.ids]
            )
        return super().write(vals)

    def _check_premium_grade_by_manager(self, grade_ids):
        """A premium value grade gives the premium tier's discounts: a manager gives or takes
        it, as the premium flag."""
        if self.env.su or self.env.user._is_sales_manager():
            return
        grades = (
            self.env["res.partner.value.grade"]
            .sudo()
            .browse([grade_id for grade_id in map(as_record_id, grade_ids) if grade_id])
        )
        if any(grades.exists().mapped("is_premium")):
            raise AccessError(
                self.env._("Only a sales manager can give or take a premium value grade.")
            )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends(
        "is_customer", "is_premium_customer", "value_grade_id.is_premium", "commercial_partner_id"
    )
    def _compute_customer_tier(self):
        customers = self.commercial_partner_id.filtered("is_customer")
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
            if not customer.is_customer:
                partner.customer_tier = False
            elif customer.is_premium_customer or customer.value_grade_id.is_premium:
                partner.customer_tier = "premium"
            elif customer.id in with_orders:
                partner.customer_tier = "old"
            else:
                partner.customer_tier = "new"
