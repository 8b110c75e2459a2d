from odoo import api, fields, models

from .wechat_account import API_ERRORS


class WechatQrcode(models.Model):
    """A rep's permanent QR code: who scans it and follows is that rep's (渠道二维码)."""

    _name = "wechat.qrcode"
    _description = "WeChat Rep QR Code"
    _order = "account_id, user_id"

    account_id = fields.Many2one(
        comodel_name="wechat.account", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Rep",
        required=True,
        domain=[("share", "=", False)],
        default=lambda self: self.env.user,
    )
    scene = fields.Char(
        required=True,
        copy=False,
        help="The scene value carried by the QR code (e.g. rep_7); WeChat sends it back on scan.",
    )
    ticket = fields.Char(readonly=True, copy=False)
    image_url = fields.Char(string="QR Code Image", compute="_compute_image_url")
    follower_count = fields.Integer(compute="_compute_follower_count", string="Followers")

    _scene_uniq = models.Constraint(
        "unique(account_id, scene)", "This scene value is already used by another QR code."
    )

    @api.depends("ticket")
    def _compute_image_url(self):
        for qrcode in self:
            qrcode.image_url = (
                f"https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={qrcode.ticket}"
                if qrcode.ticket
                else False
            )

    def _compute_follower_count(self):
        counts = dict(
            self.env["wechat.follower"]._read_group(
                [("qrcode_id", "in", self.ids)], ["qrcode_id"], ["__count"]
            )
        )
        for qrcode in self:
            qrcode.follower_count = counts.get(qrcode, 0)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "scene" in fields_list and not values.get("scene"):
            values["scene"] = f"rep_{values.get('user_id') or self.env.uid}"
        return values

    def action_generate(self):
        """Ask WeChat for the permanent QR code of this scene."""
        for qrcode in self:
            try:
                result = qrcode.account_id._client().qrcode.create(
                    {
                        "action_name": "QR_LIMIT_STR_SCENE",
                        "action_info": {"scene": {"scene_str": qrcode.scene}},
                    }
                )
            except API_ERRORS as error:
                raise qrcode.account_id._api_error_for_user(
                    error,
                    self.env._("WeChat refused the QR code"),
                    self.env._("WeChat could not be reached: no QR code was made. Try again."),
                ) from None
            qrcode.ticket = result.get("ticket")
        return True
