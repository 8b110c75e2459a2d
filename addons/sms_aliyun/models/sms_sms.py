from collections import defaultdict

from odoo import api, fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    sms_aliyun_template_code = fields.Char(
        string="Alibaba Cloud Template Code",
        readonly=True,
        help="Empty: the company's default template.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        code = self._sms_aliyun_template_code_from_context()
        if code:
            for vals in vals_list:
                vals.setdefault("sms_aliyun_template_code", code)
        return super().create(vals_list)

    @api.model
    def _sms_aliyun_template_code_from_context(self):
        """The template code the sending code asked for; only a code an SMS template names
        (a client cannot pick any other)."""
        code = self.env.context.get("sms_aliyun_template_code")
        if not code or not isinstance(code, str):
            return False
        known = (
            self.env["sms.template"]
            .sudo()
            .search_count([("sms_aliyun_template_code", "=", code)], limit=1)
        )
        return code if known else False

    def _get_sms_company(self):
        """The company whose account sends: the message's, unless its sender does not belong to
        it (a client may name any company on the message): then the sender's own."""
        companies = self.env["res.company"]
        for sms in self:
            company = super(SmsSms, sms)._get_sms_company()
            sender = sms.create_uid.sudo()
            if company and sender and company not in sender.company_ids:
                company = sender.company_id
            companies |= company
        return companies or super()._get_sms_company()

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """The SMS queue sends here directly: each company's SMS through its own account."""
        if self.env.context.get("sms_api"):
            return super()._send(unlink_failed, unlink_sent, raise_exception)
        for sms_api, batch in self._split_by_api():
            super(SmsSms, batch.with_context(sms_api=sms_api))._send(
                unlink_failed, unlink_sent, raise_exception
            )
        return None

    def _split_by_api(self):
        by_company = defaultdict(lambda: self.env["sms.sms"])
        others = self.browse()
        for sms in self:
            company = sms._get_sms_company()
            if len(company) == 1 and company.sms_aliyun_enabled:
                by_company[company] += sms
            else:
                others += sms
        for company, company_sms in by_company.items():
            api_class = company._get_sms_api_class()
            sms_api = api_class(self.env)
            sms_api._set_company(company)
            yield sms_api, company_sms
        if others:
            yield from super(SmsSms, others)._split_by_api()

    def _handle_call_result_hook(self, results):
        """Keep Alibaba Cloud's id of each accepted SMS on its tracker (the SMS is deleted once
        sent), for the delivery reports."""
        super()._handle_call_result_hook(results)
        accepted = {r["uuid"]: r for r in results if r.get("sms_aliyun_biz_id")}
        if not accepted:
            return
        trackers = self.env["sms.tracker"].sudo().search([("sms_uuid", "in", list(accepted))])
        for tracker in trackers:
            result = accepted[tracker.sms_uuid]
            sms = self.filtered(lambda s, uuid=tracker.sms_uuid: s.uuid == uuid)[:1]
            tracker.write(
                {
                    "sms_aliyun_biz_id": result["sms_aliyun_biz_id"],
                    "sms_aliyun_number": result["sms_aliyun_number"],
                    "sms_aliyun_company_id": sms._get_sms_company().id,
                    "sms_aliyun_sent_on": fields.Datetime.now(),
                }
            )
