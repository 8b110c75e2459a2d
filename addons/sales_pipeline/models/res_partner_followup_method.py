from odoo import models


class ResPartnerFollowupMethod(models.Model):
    _name = "res.partner.followup.method"
    _inherit = ["res.partner.option.mixin"]
    _description = "Customer Follow-up Method"

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
