from odoo import models


class CustomerFollowupMethod(models.Model):
    _name = "customer.followup.method"
    _inherit = ["customer.option.mixin"]
    _description = "Customer Follow-up Method"

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
