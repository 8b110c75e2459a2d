from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    partner_commercial_id = fields.Many2one(
        comodel_name="res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        string="Customer Account",
        help="The customer company of the contact, kept here for the reps' record rules.",
    )

    # the reps' customer rule collects the customers of a rep's documents: one index-only scan
    _user_customer_idx = models.Index("(user_id, partner_commercial_id) WHERE user_id IS NOT NULL")

    def _get_system_fields(self):
        return super()._get_system_fields() | {"partner_commercial_id"}
