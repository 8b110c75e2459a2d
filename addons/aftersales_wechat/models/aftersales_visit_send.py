from odoo import fields, models


class AftersalesVisitSend(models.Model):
    _inherit = "aftersales.visit.send"

    channel = fields.Selection(selection_add=[("wechat", "WeChat")], ondelete={"wechat": "cascade"})
