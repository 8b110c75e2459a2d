from odoo import fields, models


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"

    wechat_follower_id = fields.Many2one(
        comodel_name="wechat.follower",
        string="Filed on WeChat by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"wechat_follower_id"}

    def _tell_customer_closed(self):
        res = super()._tell_customer_closed()
        for ticket in self.sudo().filtered("wechat_follower_id"):
            follower = ticket.wechat_follower_id
            if follower.subscribed:
                follower._wechat_reply(
                    self.env._(
                        "Your request %(number)s is closed. Thank you for telling us.",
                        number=ticket.number,
                    )
                )
        return res
