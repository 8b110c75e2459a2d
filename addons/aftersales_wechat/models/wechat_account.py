from odoo import fields, models


class WechatAccount(models.Model):
    _inherit = "wechat.account"

    revisit_template_id = fields.Char(
        string="Revisit Template ID",
        help="ID of a template message approved for the account (keys first, keyword1, keyword2, "
        "remark) sent for revisits by WeChat. Empty: a text message (the customer must have "
        "written to the account in the last 48 hours).",
    )
    complaint_menu_key = fields.Char(
        default="AFTERSALES_COMPLAINT",
        help="The key of the account's menu button (type click) that explains how to file a "
        "complaint or suggestion.",
    )
    complaint_keyword = fields.Char(
        default="投诉",
        help="A follower's message starting with this word files a complaint (e.g. 投诉 货物破损).",
    )
    suggestion_keyword = fields.Char(
        default="建议",
        help="A follower's message starting with this word files a suggestion.",
    )
