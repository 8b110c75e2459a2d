from odoo import fields, models


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    sms_aliyun_template_code = fields.Char(
        string="Alibaba Cloud Template Code",
        help="The approved Alibaba Cloud template (模板 CODE) for SMS made from this template; "
        "empty: the company's default template.",
    )
