import json
import logging
import re
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models as dysms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_util import models as util_models

from odoo.addons.sms.tools.sms_api import SmsApiBase

_logger = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com"
ENDPOINT_PARAM = "sms_aliyun.endpoint"

# Alibaba Cloud error codes (https://help.aliyun.com/document_detail/101346.html) by kind
NUMBER_ERRORS = {"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"}
CREDIT_ERRORS = {"isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE", "isv.ACCOUNT_ABNORMAL"}
ACCOUNT_ERRORS = {
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "isv.ACCOUNT_NOT_EXISTS",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
    "Forbidden.RAM",
    "missing_settings",
}


class SmsApiAliyun(SmsApiBase):
    """Odoo's SMS through Alibaba Cloud SMS (Dysms API 2017-05-25, official SDK)."""

    PROVIDER_TO_SMS_FAILURE_TYPE = SmsApiBase.PROVIDER_TO_SMS_FAILURE_TYPE | {
        "aliyun_credit": "sms_credit",
        "aliyun_account": "sms_acc",
    }

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        company = (self.company or self.env.company).sudo()
        uuids = [number["uuid"] for message in messages for number in message["numbers"]]
        template_codes = dict(
            self.env["sms.sms"]
            .sudo()
            .search([("uuid", "in", uuids)])
            .mapped(lambda sms: (sms.uuid, sms.sms_aliyun_template_code))
        )
        missing = company._sms_aliyun_missing_settings()
        client = None if missing else self._client(company)
        results = []
        for message in messages:
            for number in message["numbers"]:
                if missing:
                    results.append(self._missing_settings_result(number["uuid"], missing))
                    continue
                results.append(
                    self._send_one(
                        client,
                        company,
                        number["number"],
                        message["content"] or "",
                        number["uuid"],
                        template_codes.get(number["uuid"]) or company.sms_aliyun_template_code,
                    )
                )
        return results

    def _send_one(self, client, company, number, content, uuid, template_code):
        request = dysms_models.SendSmsRequest(
            phone_numbers=to_aliyun_number(number),
            sign_name=company.sms_aliyun_sign_name,
            template_code=template_code,
            template_param=json.dumps(
                {company.sms_aliyun_template_param or "content": content}, ensure_ascii=False
            ),
            out_id=uuid,
        )
        try:
            response = client.send_sms_with_options(request, self._runtime())
        except Exception as error:  # noqa: BLE001 - the SDK raises its own and the network's
            code = getattr(error, "code", None) or type(error).__name__
            # Alibaba Cloud's own message at most: the SDK's text carries the whole request
            data = getattr(error, "data", None)
            message = data.get("Message") if isinstance(data, dict) else None
            _logger.warning("Alibaba Cloud SMS %s not sent: %s", uuid, code)
            return self._failure(uuid, code, message or code)
        body = response.body
        if body.code == "OK":
            return {
                "uuid": uuid,
                "state": "success",
                "sms_aliyun_biz_id": body.biz_id,
                "sms_aliyun_number": to_aliyun_number(number),
            }
        _logger.info("Alibaba Cloud SMS %s refused: %s", uuid, body.code)
        return self._failure(uuid, body.code, body.message)

    def _failure(self, uuid, code, message):
        if code in NUMBER_ERRORS:
            state = "wrong_number_format"
        elif code in CREDIT_ERRORS:
            state = "aliyun_credit"
        elif code in ACCOUNT_ERRORS:
            state = "aliyun_account"
        else:
            state = "server_error"
        return {
            "uuid": uuid,
            "state": state,
            "failure_reason": self.env._(
                "Alibaba Cloud SMS: %(message)s (%(code)s)", message=message or "-", code=code
            ),
        }

    def _missing_settings_result(self, uuid, missing):
        return {
            "uuid": uuid,
            "state": "aliyun_account",
            "failure_reason": self.env._(
                "Alibaba Cloud SMS is not set up: %s (Settings → General Settings → SMS).",
                ", ".join(missing),
            ),
        }

    # ------------------------------------------------------------------
    # Delivery reports
    # ------------------------------------------------------------------

    def _query_delivery(self, company, number, biz_id, send_date):
        """(status, error code) of one SMS: status 1 waiting, 2 failed, 3 delivered; None when
        Alibaba Cloud does not know it (yet)."""
        request = dysms_models.QuerySendDetailsRequest(
            phone_number=number,
            biz_id=biz_id,
            send_date=send_date.strftime("%Y%m%d"),
            page_size=10,
            current_page=1,
        )
        response = self._client(company).query_send_details_with_options(request, self._runtime())
        body = response.body
        if body.code != "OK" or not body.sms_send_detail_dtos:
            return None, body.code
        details = body.sms_send_detail_dtos.sms_send_detail_dto or []
        if not details:
            return None, None
        return details[0].send_status, details[0].err_code

    # ------------------------------------------------------------------
    # Client
    # ------------------------------------------------------------------

    def _client(self, company):
        endpoint = (
            self.env["ir.config_parameter"].sudo().get_param(ENDPOINT_PARAM) or DEFAULT_ENDPOINT
        )
        url = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        config = openapi_models.Config(
            access_key_id=company.sms_aliyun_access_key_id,
            access_key_secret=company.sms_aliyun_access_key_secret,
            endpoint=url.netloc,
            protocol=url.scheme,
        )
        return Client(config)

    def _runtime(self):
        return util_models.RuntimeOptions(connect_timeout=5000, read_timeout=10000, autoretry=False)


def to_aliyun_number(number):
    """Alibaba Cloud's form of a number: 11 digits in mainland China, else country code and
    number without + or 00 (Odoo keeps numbers as +8613800000000)."""
    digits = re.sub(r"\D", "", number or "")
    if number and number.strip().startswith("00"):
        digits = digits[2:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits
