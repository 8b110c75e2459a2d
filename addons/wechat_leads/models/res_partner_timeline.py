from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.sales_pipeline.models.res_partner_timeline import ID_STRIDE


class ResPartnerTimeline(models.Model):
    """What the customer's WeChat followers wrote to the official account, in their history."""

    _inherit = "res.partner.timeline"
    _depends = {
        "wechat.message": ["sent_at", "follower_id", "content", "msg_type"],
        "wechat.follower": ["partner_id"],
    }

    kind = fields.Selection(selection_add=[("wechat", "WeChat")], ondelete={"wechat": "cascade"})

    @api.model
    def _timeline_queries(self):
        return super()._timeline_queries() + [
            SQL(
                """SELECT m.id * %(stride)s + 8, coalesce(m.sent_at, m.create_date), 'wechat',
                          p.commercial_partner_id,
                          left(m.content, 200), NULL::integer, 'wechat.message', m.id
                     FROM wechat_message m
                     JOIN wechat_follower f ON f.id = m.follower_id
                     JOIN res_partner p ON p.id = f.partner_id
                    WHERE m.msg_type = 'text'""",
                stride=ID_STRIDE,
            ),
        ]

    @api.model
    def _timeline_models(self):
        return super()._timeline_models() | {
            "wechat.message": "follower_id.partner_id.commercial_partner_id"
        }
