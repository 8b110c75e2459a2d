from odoo import fields, models


class SalesPipelineAssignWizardMixin(models.AbstractModel):
    """The salesperson and the note of a manager's assignment (customers or projects)."""

    _name = "sales.pipeline.assign.wizard.mixin"
    _description = "Assignment to a Rep"

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
