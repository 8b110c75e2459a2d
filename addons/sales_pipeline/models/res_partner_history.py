from odoo import models

from ..tools.actions import window_action


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_view_timeline(self):
        """The customer's one history, newest first (客户详情的所有历史信息)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return window_action(
            self.env,
            xmlid="sales_pipeline.res_partner_timeline_action",
            domain=[("partner_id", "=", customer.id)],
            context={"default_partner_id": customer.id},
            name=self.env._("History of %s", customer.display_name),
        )
