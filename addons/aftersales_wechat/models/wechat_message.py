from odoo import models


class WechatMessage(models.Model):
    _inherit = "wechat.message"

    def _dispatch(self):
        res = super()._dispatch()
        account = self.account_id.sudo()
        if (
            self.event == "click"
            and account.complaint_menu_key
            and self.event_key == account.complaint_menu_key
        ):
            self.follower_id._on_complaint_menu()
        return res
