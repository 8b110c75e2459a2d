from odoo import fields, models


class CrmLeadProcessTemplate(models.Model):
    """The ordered steps a project goes through (项目流程模板)."""

    _name = "crm.lead.process.template"
    _description = "Project Process Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(comodel_name="res.company", default=lambda self: self.env.company)
    step_ids = fields.One2many(
        comodel_name="crm.lead.process.step",
        inverse_name="template_id",
        string="Steps",
        copy=True,
    )
    description = fields.Text(translate=True)
