import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models

from ..tools.sms_api import SmsApiAliyun

_logger = logging.getLogger(__name__)

DELIVERED, FAILED = 3, 2
# Alibaba Cloud keeps delivery reports for days; after these, an SMS without one stays "sent"
REPORT_DAYS = 3


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    sms_aliyun_biz_id = fields.Char(string="Alibaba Cloud BizId", readonly=True, index=True)
    sms_aliyun_number = fields.Char(string="Number Sent To", readonly=True)
    sms_aliyun_company_id = fields.Many2one(
        comodel_name="res.company", string="Sending Company", readonly=True
    )
    sms_aliyun_sent_on = fields.Datetime(string="Accepted On", readonly=True)

    @api.model
    def _cron_sms_aliyun_fetch_reports(self, batch_size=200):
        """Ask Alibaba Cloud what became of the SMS it accepted and that wait for a report."""
        since = fields.Datetime.now() - timedelta(days=REPORT_DAYS)
        trackers = self.search(
            [
                ("sms_aliyun_biz_id", "!=", False),
                ("sms_aliyun_sent_on", ">=", since),
                ("mail_notification_id.notification_status", "=", "pending"),
            ],
            limit=batch_size,
            order="sms_aliyun_sent_on",
        )
        for tracker in trackers:
            tracker._sms_aliyun_fetch_report()

    def _sms_aliyun_fetch_report(self):
        self.ensure_one()
        company = self.sms_aliyun_company_id.sudo()
        api = SmsApiAliyun(self.env)
        api._set_company(company)
        sent_on = pytz.utc.localize(self.sms_aliyun_sent_on).astimezone(
            pytz.timezone("Asia/Shanghai")
        )
        try:
            status, error_code = api._query_delivery(
                company, self.sms_aliyun_number, self.sms_aliyun_biz_id, sent_on
            )
        except Exception as error:  # noqa: BLE001 - a report can wait for the next run
            _logger.warning(
                "Alibaba Cloud SMS report of %s not fetched: %s",
                self.sms_uuid,
                getattr(error, "code", None) or type(error).__name__,
            )
            return
        if status == DELIVERED:
            self._action_update_from_sms_state("sent")
        elif status == FAILED:
            self.with_context(
                sms_known_failure_reason=self.env._(
                    "Alibaba Cloud SMS: not delivered (%s)", error_code or "-"
                )
            )._action_update_from_provider_error("not_delivered")
        else:
            return
        self.mail_notification_id.mail_message_id._notify_message_notification_update()
