from odoo import models


class CustomerSource(models.Model):
    _name = "customer.source"
    _inherit = ["customer.option.mixin"]
    _description = "Customer Source"

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
