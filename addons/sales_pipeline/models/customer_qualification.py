from odoo import models


class CustomerQualification(models.Model):
    _name = "customer.qualification"
    _inherit = ["customer.option.mixin"]
    _description = "Customer Qualification"

    _name_uniq = models.Constraint("unique(name)", "This name already exists.")
