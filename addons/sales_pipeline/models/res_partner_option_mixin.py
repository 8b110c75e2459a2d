from odoo import fields, models


class ResPartnerOptionMixin(models.AbstractModel):
    """Shared shape of the customer setting lists an administrator maintains."""

    _name = "res.partner.option.mixin"
    _description = "Customer Setting List Entry"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    color = fields.Integer()
