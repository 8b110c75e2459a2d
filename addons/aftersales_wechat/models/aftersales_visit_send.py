from odoo import fields, models


class AftersalesVisitSend(models.Model):
    _inherit = "aftersales.visit.send"

    channel = fields.Selection(selection_add=[("wechat", "WeChat")], ondelete={"wechat": "cascade"})
    wechat_follower_id = fields.Many2one(
        comodel_name="wechat.follower",
        string="WeChat Follower",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
