from odoo import models


class ResPartner(models.Model):
    """The quotation limit of a customer holds when a partner with quotations joins it."""

    _inherit = "res.partner"

    def write(self, vals):
        if "parent_id" not in vals:
            return super().write(vals)
        Order = self.env["sale.order"]
        moved = (
            Order.sudo()
            .with_context(active_test=False)
            .search([("partner_id", "child_of", self.ids)])
        )
        scopes = Order._lock_quote_scopes(
            [(False, vals["parent_id"])] if moved and vals["parent_id"] else []
        )
        res = super().write(vals)
        Order._check_quote_limit(scopes)
        return res
