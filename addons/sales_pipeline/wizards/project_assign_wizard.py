from odoo import fields, models


class ProjectAssignWizard(models.TransientModel):
    _name = "project.assign.wizard"
    _description = "Assign Projects to a Rep"

    lead_ids = fields.Many2many(comodel_name="crm.lead", string="Projects", required=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        required=True,
        domain=lambda self: [
            ("share", "=", False),
            ("all_group_ids", "in", self.env.ref("sales_team.group_sale_salesman").ids),
        ],
    )
    note = fields.Char()

    def action_assign(self):
        self.ensure_one()
        self.lead_ids.action_assign_to(self.user_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
