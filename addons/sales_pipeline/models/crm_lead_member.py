from odoo import fields, models


class CrmLeadMember(models.Model):
    """A colleague who follows a project with its owner (多人跟进)."""

    _name = "crm.lead.member"
    _description = "Project Member"
    _order = "lead_id, role, id"

    lead_id = fields.Many2one(
        comodel_name="crm.lead",
        string="Project",
        required=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Member",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    role = fields.Selection(
        selection=[("lead", "Lead"), ("helper", "Helper")],
        required=True,
        default="helper",
    )

    _lead_user_uniq = models.Constraint(
        "unique(lead_id, user_id)", "This colleague already follows the project."
    )
