from odoo import fields, models


class ResPartnerValueGrade(models.Model):
    _name = "res.partner.value.grade"
    _inherit = ["res.partner.option.mixin"]
    _description = "Customer Value Grade"

    is_premium = fields.Boolean(
        string="Premium Grade",
        help="Customers of this grade count as premium customers (优等客户).",
    )

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
