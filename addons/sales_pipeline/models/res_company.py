from odoo import fields, models

DUPLICATE_POLICIES = [
    ("allow", "Allow"),
    ("warn", "Warn"),
    ("forbid", "Forbid"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    project_duplicate_policy = fields.Selection(
        selection=DUPLICATE_POLICIES,
        string="Duplicate Project Names",
        default="warn",
        required=True,
        help="What happens when a project gets the name of an existing one (项目重名): "
        "nothing, a warning with the existing projects, or a refusal.",
    )
    project_duplicate_scope = fields.Selection(
        selection=[("customer", "Same Customer"), ("company", "Whole Company")],
        string="Compare Names Within",
        default="customer",
        required=True,
    )
    project_required_field_ids = fields.Many2many(
        comodel_name="ir.model.fields",
        relation="res_company_project_required_field_rel",
        string="Required Project Fields",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True), ('readonly', '=', False), "
        "('ttype', 'not in', ('one2many', 'binary', 'properties'))]",
        help="Fields a project cannot be saved without (录入必填项).",
    )
