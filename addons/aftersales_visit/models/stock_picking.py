from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        deliveries = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing" and p.sale_id
        )
        if deliveries:
            self.env["aftersales.visit.flow"]._start_for("delivery_done", deliveries)
        return result

    def _get_aftersales_trigger_values(self):
        # One flow per contract, not per transfer: a backorder delivered later
        # is the same delivery for the customer.
        values = self.sale_id._get_aftersales_trigger_values(":delivery")
        values["picking_id"] = self.id
        return values
