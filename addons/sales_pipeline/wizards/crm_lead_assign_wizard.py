from odoo import fields, models


class CrmLeadAssignWizard(models.TransientModel):
    _name = "crm.lead.assign.wizard"
    _inherit = ["sales.pipeline.assign.wizard.mixin"]
    _description = "Assign Projects to a Rep"

    lead_ids = fields.Many2many(comodel_name="crm.lead", string="Projects", required=True)

    def action_assign(self):
        self.ensure_one()
        self.lead_ids.action_assign_to(self.user_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
