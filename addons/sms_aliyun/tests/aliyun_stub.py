"""Alibaba Cloud SMS's side, for the tests: a stand-in for the Dysms API (a real HTTP server on
127.0.0.1, in a thread) that checks the ACS3-HMAC-SHA256 signature of every request."""

import hashlib
import hmac
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit


def _encode(value):
    return quote(value, safe="-_.~")


def signature_ok(method, path, headers, secret):
    """Whether the request is signed with ``secret`` (Alibaba Cloud's V3 signature)."""
    algorithm, _sep, rest = headers.get("Authorization", "").partition(" ")
    parts = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
    if algorithm != "ACS3-HMAC-SHA256" or "SignedHeaders" not in parts:
        return False
    signed = parts["SignedHeaders"].split(";")
    lower = {key.lower(): value for key, value in headers.items()}
    url = urlsplit(path)
    query = "&".join(
        f"{_encode(key)}={_encode(value)}"
        for key, value in sorted(parse_qsl(url.query, keep_blank_values=True))
    )
    canonical = "\n".join(
        [
            method,
            url.path or "/",
            query,
            "".join(f"{name}:{lower.get(name, '').strip()}\n" for name in signed),
            ";".join(signed),
            lower.get("x-acs-content-sha256", ""),
        ]
    )
    to_sign = f"{algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


class AliyunSmsStub:
    """Answers SendSms and QuerySendDetails like Alibaba Cloud.

    ``mode``: None (normal), "down" (HTTP 503), "no_credit" (isv.AMOUNT_NOT_ENOUGH).
    ``reports``: BizId -> (SendStatus, ErrCode) that QuerySendDetails answers (1 waiting,
    2 failed, 3 delivered); unknown BizIds answer no detail.
    """

    def __init__(self, access_key_id="LTAI-test-key", secret="test-secret-do-not-log"):
        self.access_key_id = access_key_id
        self.secret = secret
        self.mode = None
        self.sent = []
        self.queries = []
        self.reports = {}
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, action, params, authorised):
        if self.mode == "down":
            return 503, {"Code": "ServiceUnavailable", "Message": "down"}
        if not authorised:
            return 400, {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched with our calculation.",
                "RequestId": "R-SIG",
            }
        if action == "SendSms":
            return 200, self._send(params)
        if action == "QuerySendDetails":
            self.queries.append(params)
            return 200, self._details(params)
        return 404, {"Code": "InvalidAction.NotFound", "Message": action}

    def _send(self, params):
        if self.mode == "no_credit":
            return {"Code": "isv.AMOUNT_NOT_ENOUGH", "Message": "账户余额不足", "RequestId": "R"}
        number = params.get("PhoneNumbers", "")
        if not (number.isdigit() and len(number) == 11 and number.startswith("1")):
            return {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "R"}
        biz_id = f"{next(self._ids):06d}^0"
        self.sent.append(dict(params, BizId=biz_id))
        return {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "R"}

    def _details(self, params):
        report = self.reports.get(params.get("BizId"))
        details = []
        if report:
            status, error_code = report
            details.append(
                {
                    "PhoneNum": params.get("PhoneNumber"),
                    "SendStatus": status,
                    "ErrCode": error_code,
                    "ReceiveDate": "2026-07-01 10:00:05",
                }
            )
        return {
            "Code": "OK",
            "Message": "OK",
            "TotalCount": len(details),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": details},
        }

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                headers = dict(self.headers)
                authorised = f"Credential={stub.access_key_id}," in headers.get(
                    "Authorization", ""
                ) and signature_ok("POST", self.path, headers, stub.secret)
                params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
                status, payload = stub._answer(headers.get("x-acs-action", ""), params, authorised)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


class AliyunSmsMixin:
    """For test cases (before the case class in the bases): a stand-in started for the class,
    and ``company`` sending its SMS through it."""

    @classmethod
    def setup_aliyun_sms(cls, company):
        cls.stub = AliyunSmsStub().start()
        cls.addClassCleanup(cls.stub.stop)
        cls.env["ir.config_parameter"].sudo().set_param("sms_aliyun.endpoint", cls.stub.url)
        company.sudo().write(
            {
                "sms_aliyun_enabled": True,
                "sms_aliyun_access_key_id": cls.stub.access_key_id,
                "sms_aliyun_access_key_secret": cls.stub.secret,
                "sms_aliyun_sign_name": "示例科技",
                "sms_aliyun_template_code": "SMS_100000001",
                "sms_aliyun_template_param": "content",
            }
        )

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test guard compares the timeout with a number; the SDK gives (connect, read)
        if isinstance(kw.get("timeout"), tuple):
            kw["timeout"] = max(kw["timeout"])
        return super()._request_handler(s, r, **kw)
