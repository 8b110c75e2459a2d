from odoo import models


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    def _action_send_sms(self):
        """SMS made from a template go out with the template's Alibaba Cloud template code."""
        code = self.template_id.sms_aliyun_template_code
        if code:
            self = self.with_context(sms_aliyun_template_code=code)  # noqa: PLW0642
        return super()._action_send_sms()
