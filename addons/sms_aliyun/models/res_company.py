from odoo import fields, models

from ..tools.sms_api import SmsApiAliyun


class ResCompany(models.Model):
    _inherit = "res.company"

    sms_aliyun_enabled = fields.Boolean(
        string="Send SMS via Alibaba Cloud",
        help="Send this company's SMS through Alibaba Cloud SMS (阿里云短信) instead of Odoo's "
        "IAP service.",
    )
    sms_aliyun_access_key_id = fields.Char(string="AccessKey ID", groups="base.group_system")
    sms_aliyun_access_key_secret = fields.Char(
        string="AccessKey Secret", groups="base.group_system"
    )
    sms_aliyun_sign_name = fields.Char(
        string="SMS Signature",
        help="The approved signature (短信签名) shown at the start of every SMS, e.g. 示例科技.",
    )
    sms_aliyun_template_code = fields.Char(
        string="Default Template Code",
        help="The approved template (模板 CODE, e.g. SMS_123456789) used when the SMS template "
        "names none. Its variable receives the whole text of the SMS.",
    )
    sms_aliyun_template_param = fields.Char(
        string="Template Variable",
        default="content",
        help="The name of the template's variable that receives the text, e.g. content for a "
        "template 您好，${content}.",
    )

    def _get_sms_api_class(self):
        self.ensure_one()
        if self.sms_aliyun_enabled:
            return SmsApiAliyun
        return super()._get_sms_api_class()

    def _sms_aliyun_missing_settings(self):
        """The labels of the settings Alibaba Cloud SMS still needs (as superuser)."""
        self.ensure_one()
        company = self.sudo()
        needed = (
            "sms_aliyun_access_key_id",
            "sms_aliyun_access_key_secret",
            "sms_aliyun_sign_name",
            "sms_aliyun_template_code",
        )
        return [
            company._fields[name].get_description(self.env)["string"]
            for name in needed
            if not company[name]
        ]
