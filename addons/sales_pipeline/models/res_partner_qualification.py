from odoo import models


class ResPartnerQualification(models.Model):
    _name = "res.partner.qualification"
    _inherit = ["res.partner.option.mixin"]
    _description = "Customer Qualification"

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
