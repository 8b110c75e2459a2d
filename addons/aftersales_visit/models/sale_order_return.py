from odoo import models


class SaleOrderReturn(models.Model):
    _inherit = "sale.order.return"

    def _on_return_approved(self):
        # however it was approved: on the return, from To Approve, by the last level
        result = super()._on_return_approved()
        self.env["aftersales.visit.flow"]._start_for("return_approved", self)
        return result

    def _get_aftersales_trigger_values(self):
        self.ensure_one()
        return {
            "trigger_ref": f"{self._name},{self.id}",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "sale_order_id": self.order_id.id,
            "return_id": self.id,
            "company_id": self.company_id.id,
        }
