from odoo import fields, models


class CustomerAssignWizard(models.TransientModel):
    _name = "customer.assign.wizard"
    _description = "Assign Customers to a Rep"

    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        required=True,
    )
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
        self.partner_ids.action_assign_to(self.user_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
