from odoo import fields, models

from ..tools import KeepUnknown


class AftersalesVisitTemplate(models.Model):
    _name = "aftersales.visit.template"
    _description = "Revisit Template"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    script = fields.Text(
        string="Opening Script",
        translate=True,
        help="What the assignee says or writes first. Placeholders: {customer}, {contact}, "
        "{contract}, {products}, {rep}, {date}.",
    )
    question_ids = fields.One2many(
        comodel_name="aftersales.visit.question",
        inverse_name="template_id",
        string="Questions",
        copy=True,
    )

    @staticmethod
    def render(text, values):
        """``text`` with its placeholders filled from ``values``; unknown or malformed
        ones are kept."""
        if not text:
            return ""
        try:
            return text.format_map(KeepUnknown(None, values))
        except (ValueError, IndexError, AttributeError):
            return text
