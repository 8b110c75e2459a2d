from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from .wechat_account import API_ERRORS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    can_send_wechat = fields.Boolean(compute="_compute_can_send_wechat")

    def _compute_can_send_wechat(self):
        for order in self:
            order.can_send_wechat = bool(order.partner_id and order.partner_id._wechat_follower())

    def action_send_wechat(self):
        """Send the customer the quotation's link on WeChat (template message if the account has
        one)."""
        self.ensure_one()
        self._check_approved_to_leave()  # sending on WeChat is sending
        follower = self.partner_id._wechat_follower()
        if not follower:
            raise UserError(
                self.env._(
                    "%s does not follow any of our WeChat official accounts.",
                    self.partner_id.display_name,
                )
            )
        url = self._wechat_quote_url()
        account = follower.account_id
        try:
            if account.quote_template_id:
                account._client().message.send_template(
                    follower.openid,
                    account.quote_template_id,
                    self._wechat_template_data(),
                    url=url,
                )
            else:
                account._client().message.send_text(follower.openid, self._wechat_text(url))
        except API_ERRORS as error:
            raise account._api_error_for_user(
                error,
                self.env._("WeChat did not take the message"),
                self.env._("WeChat could not be reached: the message was not sent. Try again."),
            ) from None
        self.message_post(
            body=Markup("%s <a href='%s'>%s</a>")
            % (self.env._("Sent on WeChat to %s:", follower.display_name), url, url),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _wechat_quote_url(self):
        self._portal_ensure_token()
        return self.get_base_url() + self.get_portal_url()

    def _wechat_text(self, url):
        return self.env._(
            "%(customer)s, your quotation %(name)s (%(amount)s) is ready: %(url)s",
            customer=self.partner_id.name,
            name=self.name,
            amount=self._wechat_amount(),
            url=url,
        )

    def _wechat_amount(self):
        return f"{self.currency_id.symbol}{self.amount_total:,.2f}"

    def _wechat_template_data(self):
        return {
            "first": {"value": self.env._("Your quotation is ready")},
            "keyword1": {"value": self.name},
            "keyword2": {"value": self._wechat_amount()},
            "keyword3": {"value": fields.Date.to_string(self.validity_date) or ""},
            "remark": {"value": self.env._("Open the link to read and accept it.")},
        }
