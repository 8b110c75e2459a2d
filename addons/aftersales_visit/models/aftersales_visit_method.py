from odoo import fields, models


class AftersalesVisitMethod(models.Model):
    _name = "aftersales.visit.method"
    _description = "Revisit Method"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        selection=[
            ("phone", "Phone"),
            ("visit", "On-site Visit"),
            ("sms", "SMS"),
            ("wechat", "WeChat"),
            ("email", "E-mail"),
            ("survey", "Survey"),
        ],
        required=True,
        default="phone",
        help="How the revisit is made. SMS and e-mail send the questions to the customer when "
        "the revisit starts (through the company's SMS provider, or its mail server).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
