from odoo import fields, models

from odoo.addons.sales_pipeline.tools.actions import window_action


class ResPartner(models.Model):
    _inherit = "res.partner"

    wechat_follower_ids = fields.One2many(
        comodel_name="wechat.follower",
        inverse_name="partner_id",
        string="WeChat Followers",
    )
    wechat_follower_count = fields.Integer(compute="_compute_wechat_follower_count")

    def _compute_wechat_follower_count(self):
        counts = dict(
            self.env["wechat.follower"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.wechat_follower_count = counts.get(partner._origin, 0)

    def action_view_wechat_followers(self):
        self.ensure_one()
        return window_action(
            self.env,
            xmlid="wechat_leads.wechat_follower_action",
            domain=[("partner_id", "=", self.commercial_partner_id.id)],
        )

    def _wechat_follower(self):
        """The subscribed follower through whom this customer can be written to, if any."""
        followers = self.commercial_partner_id.sudo().wechat_follower_ids.filtered("subscribed")
        return followers.sorted("subscribe_time", reverse=True)[:1]
