from odoo import fields, models

from odoo.addons.wechat_leads.models.wechat_account import API_ERRORS


class AftersalesVisit(models.Model):
    """A revisit by WeChat sends its questions and the link to answer to the customer's follower,
    through the official account the customer follows."""

    _inherit = "aftersales.visit"

    def _sending_codes(self):
        return super()._sending_codes() | {"wechat"}

    def _send_by_method(self, queue):
        if self._sending_code() != "wechat":
            return super()._send_by_method(queue)
        return self._send_wechat()

    def _send_wechat(self):
        follower = self.partner_id._wechat_follower()
        text = self._wechat_text()
        if not follower:
            return self._record_send(
                "wechat",
                self._recipient(),
                False,
                text,
                error=self.env._("%s follows none of our WeChat accounts.", self.partner_id.name),
            )
        account = follower.account_id.sudo()
        try:
            if account.revisit_template_id:
                account._client().message.send_template(
                    follower.openid,
                    account.revisit_template_id,
                    self._wechat_template_data(),
                    url=self.answer_url,
                )
            else:
                account._client().message.send_text(follower.openid, text)
        except API_ERRORS as error:
            return self._record_send(
                "wechat",
                self._recipient(),
                follower.display_name,
                text,
                error=account._api_error_detail(error),
                wechat_follower_id=follower.id,
            )
        return self._record_send(
            "wechat",
            self._recipient(),
            follower.display_name,
            text,
            wechat_follower_id=follower.id,
        )

    def _wechat_text(self):
        return self.env._(
            "%(customer)s, a few questions about %(subject)s: %(questions)s Answer here: %(url)s",
            customer=(self.contact_id or self.partner_id).name,
            subject=self.sale_order_id.name or self.env._("our service"),
            questions=self.questions_text,
            url=self.answer_url,
        )

    def _wechat_template_data(self):
        return {
            "first": {"value": self.env._("How was our service?")},
            "keyword1": {"value": self.sale_order_id.name or self.flow_id.name},
            "keyword2": {"value": fields.Date.to_string(self.scheduled_date) or ""},
            "remark": {"value": self.env._("Open the link to answer a few questions.")},
        }
