from odoo import models


class ResPartnerSource(models.Model):
    _name = "res.partner.source"
    _inherit = ["res.partner.option.mixin"]
    _description = "Customer Source"

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
