from odoo import fields, models

from ..models.res_partner_share import SHARE_ACCESS


class ResPartnerShareWizard(models.TransientModel):
    _name = "res.partner.share.wizard"
    _description = "Share Customers"

    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        required=True,
    )
    user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Share With",
        required=True,
        domain="[('share', '=', False), ('id', '!=', uid)]",
    )
    access = fields.Selection(selection=SHARE_ACCESS, required=True, default="read")
    expires_at = fields.Datetime(
        string="Until",
        help="Leave empty to share until you stop sharing.",
    )

    def action_share(self):
        self.ensure_one()
        self.partner_ids.share_with(self.user_ids, access=self.access, expires_at=self.expires_at)
        return {"type": "ir.actions.act_window_close"}
