from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sms_aliyun_enabled = fields.Boolean(related="company_id.sms_aliyun_enabled", readonly=False)
    sms_aliyun_access_key_id = fields.Char(
        related="company_id.sms_aliyun_access_key_id", readonly=False, groups="base.group_system"
    )
    sms_aliyun_access_key_secret = fields.Char(
        related="company_id.sms_aliyun_access_key_secret",
        readonly=False,
        groups="base.group_system",
    )
    sms_aliyun_sign_name = fields.Char(related="company_id.sms_aliyun_sign_name", readonly=False)
    sms_aliyun_template_code = fields.Char(
        related="company_id.sms_aliyun_template_code", readonly=False
    )
    sms_aliyun_template_param = fields.Char(
        related="company_id.sms_aliyun_template_param", readonly=False
    )
