from odoo import fields, models

# requirement flag -> how the project proves it
REQUIREMENTS = ("need_followup", "need_attachment", "need_quote", "need_approval")


class CrmLeadProcessStep(models.Model):
    """One step of a process template, with what must exist before leaving it."""

    _name = "crm.lead.process.step"
    _description = "Project Process Step"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        comodel_name="crm.lead.process.template",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    need_followup = fields.Boolean(
        string="Follow-up Recorded",
        help="A follow-up of the project must be recorded during this step.",
    )
    need_attachment = fields.Boolean(
        string="Document Attached",
        help="The project must have at least one attached document.",
    )
    need_quote = fields.Boolean(
        string="Quotation Made",
        help="The project must have at least one quotation.",
    )
    need_approval = fields.Boolean(
        string="Manager Approval",
        help="A sales manager must approve the step.",
    )
    guidance = fields.Text(translate=True, help="What the rep does in this step.")
