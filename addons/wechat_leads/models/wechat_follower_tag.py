from odoo import fields, models


class WechatFollowerTag(models.Model):
    _name = "wechat.follower.tag"
    _description = "WeChat Follower Tag"
    _order = "name"

    account_id = fields.Many2one(
        comodel_name="wechat.account", required=True, ondelete="cascade", index=True
    )
    wechat_tag_id = fields.Integer(string="WeChat Tag ID", required=True)
    name = fields.Char(required=True)

    _tag_uniq = models.Constraint(
        "unique(account_id, wechat_tag_id)", "This WeChat tag already exists."
    )
