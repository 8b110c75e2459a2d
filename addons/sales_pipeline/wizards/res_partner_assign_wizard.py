from odoo import fields, models


class ResPartnerAssignWizard(models.TransientModel):
    _name = "res.partner.assign.wizard"
    _inherit = ["sales.pipeline.assign.wizard.mixin"]
    _description = "Assign Customers to a Rep"

    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        required=True,
    )

    def action_assign(self):
        self.ensure_one()
        self.partner_ids.action_assign_to(self.user_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
