from freezegun import freeze_time

from odoo import api
from odoo.tests import tagged

from .common import SalesPipelineCase

REMINDER_TYPES = (
    "sales_pipeline.mail_activity_type_to_check",
    "sales_pipeline.mail_activity_type_to_mail",
    "sales_pipeline.mail_activity_type_to_contact",
)


@tagged("post_install", "-at_install")
class TestReminders(SalesPipelineCase):
    def _digests(self, user):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.users"),
                ("res_id", "=", user.id),
                ("message_type", "=", "user_notification"),
            ]
        )

    def _run_digest(self):
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["mail.activity"]._cron_send_reminder_digest()
        self.env.invalidate_all()

    def test_reminder_types_are_shipped_for_every_document(self):
        for xmlid in REMINDER_TYPES:
            activity_type = self.env.ref(xmlid)
            self.assertTrue(activity_type.is_reminder)
            self.assertFalse(
                activity_type.res_model, "usable on customers, projects, quotes and contracts"
            )
        customer = self.make_customer("Reminded Co", owner=self.rep_a)
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": self.rep_a.id})
        lead = self.env["crm.lead"].create(
            {"name": "Project", "partner_id": customer.id, "user_id": self.rep_a.id}
        )
        for record in (customer, order, lead):
            activity = record.with_user(self.rep_a).activity_schedule(
                REMINDER_TYPES[2], user_id=self.rep_a.id
            )
            self.assertEqual(activity.activity_type_id, self.env.ref(REMINDER_TYPES[2]))

    def test_one_digest_per_user_with_today_and_overdue(self):
        self.rep_a.lang = "en_US"
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["sales_pipeline"], ["zh_CN"], overwrite=True
        )
        self.rep_b.lang = "zh_CN"
        customer = self.make_customer("Digest Co", owner=self.rep_a)
        other = self.make_customer("Digest Two", owner=self.rep_b)
        with freeze_time("2026-06-10 08:00:00"):
            customer.activity_schedule(
                REMINDER_TYPES[0],
                date_deadline="2026-06-08",
                summary="Check licence",
                user_id=self.rep_a.id,
            )
            customer.activity_schedule(
                REMINDER_TYPES[1],
                date_deadline="2026-06-10",
                summary="Mail brochure",
                user_id=self.rep_a.id,
            )
            customer.activity_schedule(
                REMINDER_TYPES[2],
                date_deadline="2026-06-15",
                summary="Call next week",
                user_id=self.rep_a.id,
            )
            customer.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline="2026-06-09",
                summary="Plain todo",
                user_id=self.rep_a.id,
            )
            other.activity_schedule(
                REMINDER_TYPES[2],
                date_deadline="2026-06-10",
                summary="Call B",
                user_id=self.rep_b.id,
            )
            self._run_digest()
            self._run_digest()  # a second run the same day sends nothing more
        digests = self._digests(self.rep_a)
        self.assertEqual(len(digests), 1)
        body = str(digests.body)
        self.assertIn("Check licence", body)
        self.assertIn("overdue since 2026-06-08", body)
        self.assertIn("Mail brochure", body)
        self.assertNotIn("Call next week", body)
        self.assertNotIn("Plain todo", body)
        self.assertIn(self.rep_a.partner_id, digests.partner_ids)
        self.assertEqual(len(self._digests(self.rep_b)), 1)
        self.assertIn("Call B", str(self._digests(self.rep_b).body))
        self.assertIn(
            "今天到期", str(self._digests(self.rep_b).body), "each user reads it in their language"
        )
        with freeze_time("2026-06-11 08:00:00"):
            self._run_digest()
        self.assertEqual(len(self._digests(self.rep_a)), 2, "a new day, a new digest")

    def test_no_digest_without_reminders(self):
        with freeze_time("2026-06-10 08:00:00"):
            self._run_digest()
        self.assertFalse(self._digests(self.rep_a))
