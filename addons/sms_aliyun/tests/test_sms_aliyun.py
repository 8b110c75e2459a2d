import json

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from ..tools.sms_api import SmsApiAliyun, to_aliyun_number
from .aliyun_stub import AliyunSmsMixin


@tagged("post_install", "-at_install")
class TestSmsAliyun(AliyunSmsMixin, TransactionCase):
    """Odoo's SMS through a stand-in for Alibaba Cloud SMS on 127.0.0.1: sending, refusals,
    delivery reports, template codes, and who may see the keys."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.setup_aliyun_sms(cls.company)
        cls.employee = new_test_user(
            cls.env,
            login="sms_employee",
            groups="base.group_user,base.group_partner_manager",
            name="Employee",
        )
        # made by the employee: partners are theirs to write (whatever other modules' rules say)
        cls.Partner = cls.env["res.partner"].with_user(cls.employee)
        cls.customer = cls.Partner.create(
            {"name": "赵敏", "phone": "+86 138 0013 8000", "country_id": cls.env.ref("base.cn").id}
        )

    def setUp(self):
        super().setUp()
        self.stub.mode = None
        self.stub.sent.clear()
        self.stub.queries.clear()

    def _send(self, body, partner=None, user=None, **composer_vals):
        partner = partner or self.customer
        composer = (
            self.env["sms.composer"]
            .with_user(user or self.employee)
            .with_context(active_model="res.partner", active_id=partner.id)
            .create(dict(composer_vals, **({"body": body} if body else {})))
        )
        message = composer._action_send_sms()
        return message.sudo().notification_ids.filtered(lambda n: n.notification_type == "sms")

    def _tracker(self, notification):
        return (
            self.env["sms.tracker"].sudo().search([("mail_notification_id", "=", notification.id)])
        )

    def test_an_sms_goes_through_alibaba_cloud_then_is_reported_delivered(self):
        notification = self._send("您的订单已发货。")
        self.assertEqual(len(self.stub.sent), 1)
        sent = self.stub.sent[0]
        self.assertEqual(sent["PhoneNumbers"], "13800138000")
        self.assertEqual(sent["SignName"], "示例科技")
        self.assertEqual(sent["TemplateCode"], "SMS_100000001")
        self.assertEqual(json.loads(sent["TemplateParam"]), {"content": "您的订单已发货。"})
        self.assertEqual(notification.notification_status, "pending", "accepted, not yet delivered")
        tracker = self._tracker(notification)
        self.assertEqual(tracker.sms_aliyun_biz_id, sent["BizId"])

        self.env["sms.tracker"]._cron_sms_aliyun_fetch_reports()
        self.assertEqual(notification.notification_status, "pending", "no report yet")
        self.stub.reports[sent["BizId"]] = (3, "DELIVERED")
        self.env["sms.tracker"]._cron_sms_aliyun_fetch_reports()
        self.assertEqual(notification.notification_status, "sent")
        self.assertEqual(self.stub.queries[-1]["PhoneNumber"], "13800138000")
        self.assertEqual(len(self.stub.queries[-1]["SendDate"]), 8)

    def test_an_sms_reported_undelivered_shows_the_reason(self):
        notification = self._send("回访提醒")
        self.stub.reports[self.stub.sent[0]["BizId"]] = (2, "MOBILE_NOT_ON_SERVICE")
        self.env["sms.tracker"]._cron_sms_aliyun_fetch_reports()
        self.assertEqual(notification.notification_status, "exception")
        self.assertIn("MOBILE_NOT_ON_SERVICE", notification.failure_reason)

    def test_refusals_are_shown_to_the_sender(self):
        wrong_number = self.Partner.create({"name": "错号", "phone": "+86 12345"})
        cases = [
            ("no_credit", self.customer, "sms_credit", "账户余额不足"),
            (None, wrong_number, "sms_number_format", "非法手机号"),
            ("down", self.customer, "sms_server", "ServiceUnavailable"),
        ]
        for mode, partner, failure_type, reason in cases:
            with self.subTest(mode=mode, partner=partner.name):
                self.stub.mode = mode
                notification = self._send("测试", partner=partner)
                self.assertEqual(notification.notification_status, "exception")
                self.assertEqual(notification.failure_type, failure_type)
                self.assertIn(reason, notification.failure_reason or "")

    def test_a_wrong_secret_is_refused_by_alibaba_cloud(self):
        self.company.sudo().sms_aliyun_access_key_secret = "not-the-secret"
        notification = self._send("测试")
        self.assertFalse(self.stub.sent)
        self.assertEqual(notification.failure_type, "sms_acc")
        self.assertIn("SignatureDoesNotMatch", notification.failure_reason)

    def test_missing_settings_are_named_and_nothing_is_sent(self):
        self.company.sudo().sms_aliyun_sign_name = False
        notification = self._send("测试")
        self.assertFalse(self.stub.sent)
        self.assertEqual(notification.failure_type, "sms_acc")
        self.assertRegex(notification.failure_reason, "SMS Signature|短信签名")

    def test_a_template_names_its_own_template_code(self):
        template = self.env["sms.template"].create(
            {
                "name": "发货通知",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "{{ object.name }}，您的订单已发货。",
                "sms_aliyun_template_code": "SMS_200000002",
            }
        )
        self._send(None, template_id=template.id)
        self.assertEqual(self.stub.sent[-1]["TemplateCode"], "SMS_200000002")
        self.assertEqual(
            json.loads(self.stub.sent[-1]["TemplateParam"]), {"content": "赵敏，您的订单已发货。"}
        )

    def test_a_client_cannot_pick_an_unknown_template_code(self):
        composer = (
            self.env["sms.composer"]
            .with_user(self.employee)
            .with_context(
                active_model="res.partner",
                active_id=self.customer.id,
                sms_aliyun_template_code="SMS_999999999",
            )
            .create({"body": "测试"})
        )
        composer._action_send_sms()
        self.assertEqual(self.stub.sent[-1]["TemplateCode"], "SMS_100000001")

    def test_the_keys_are_for_administrators_only(self):
        company = self.company.with_user(self.employee)
        for field in ("sms_aliyun_access_key_id", "sms_aliyun_access_key_secret"):
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    company.read([field])
                with self.assertRaises(AccessError):
                    company.web_read({field: {}})
                with self.assertRaises(AccessError):
                    company.search([(field, "=", self.stub.secret)])
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.employee).create({})

    def test_the_secret_never_reaches_the_logs(self):
        with self.assertLogs("odoo.addons", level="DEBUG") as logs:
            self._send("测试")
            self.stub.mode = "down"
            self._send("测试")
            self.company.sudo().sms_aliyun_access_key_secret = "another-secret-also-private"
            self.stub.mode = None
            self._send("测试")
        text = "\n".join(logs.output)
        self.assertNotIn(self.stub.secret, text)
        self.assertNotIn("another-secret-also-private", text)

    def _company_b(self):
        """A second company with an account of its own (keys the stand-in does not know)."""
        company_b = self.env["res.company"].create({"name": "Company B"})
        company_b.write(
            {
                "sms_aliyun_enabled": True,
                "sms_aliyun_access_key_id": "LTAI-B",
                "sms_aliyun_access_key_secret": "secret-of-b",
                "sms_aliyun_sign_name": "B签名",
                "sms_aliyun_template_code": "SMS_B",
            }
        )
        user_b = new_test_user(
            self.env,
            login="sms_user_b",
            groups="base.group_user,base.group_partner_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        return company_b, user_b

    def test_a_user_of_another_company_cannot_send_through_this_account(self):
        _company_b, user_b = self._company_b()
        partner = (
            self.env["res.partner"]
            .with_user(user_b)
            .create({"name": "B 的客户", "phone": "+86 139 0000 0002"})
        )
        message = partner.message_post(
            body="via A's account?",
            message_type="sms",
            record_company_id=self.company.id,
            sms_numbers=["+8613900000002"],
        )
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send()
        self.assertFalse(self.stub.sent, "signed with B's keys: A's account sends nothing")
        notification = message.sudo().notification_ids
        self.assertEqual(notification.failure_type, "sms_acc")

    def test_the_queue_sends_each_companys_sms_through_its_own_account(self):
        _company_b, user_b = self._company_b()
        partner_b = (
            self.env["res.partner"]
            .with_user(user_b)
            .create({"name": "B 的客户", "phone": "+86 139 0000 0002"})
        )
        for user, partner in ((user_b, partner_b), (self.employee, self.customer)):
            self.env["sms.composer"].with_user(user).create(
                {
                    "composition_mode": "mass",
                    "res_model": "res.partner",
                    "res_ids": repr(partner.ids),
                    "body": "排队短信",
                    "mass_keep_log": True,
                }
            ).action_send_sms()
        self.assertFalse(self.stub.sent, "queued")
        # as the scheduler runs it (company A's superuser), committing into the test transaction
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["sms.sms"]._process_queue()
        self.assertEqual(
            [sent["PhoneNumbers"] for sent in self.stub.sent],
            ["13800138000"],
            "A's SMS through A's account; B's through B's (which the stand-in refuses)",
        )

    def test_a_company_without_it_keeps_odoos_service(self):
        other = self.env["res.company"].create({"name": "Other Company"})
        self.assertIs(other._get_sms_api_class(), SmsApi)
        self.assertIs(self.company._get_sms_api_class(), SmsApiAliyun)

    def test_numbers_take_alibaba_clouds_form(self):
        self.assertEqual(to_aliyun_number("+86 138 0013 8000"), "13800138000")
        self.assertEqual(to_aliyun_number("008613800138000"), "13800138000")
        self.assertEqual(to_aliyun_number("+852 9123 4567"), "85291234567")
