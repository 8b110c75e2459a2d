from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestCare(AftersalesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["aftersales.care.rule"].search([]).active = False
        cls.birthday_rule = cls.env["aftersales.care.rule"].create(
            {
                "name": "Birthday",
                "occasion": "birthday",
                "days_before": 3,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Ms Li",
                "parent_id": cls.customer.id,
                "birthday": date(1980, 8, 10),
            }
        )
        cls.leap = cls.env["res.partner"].create(
            {
                "name": "Mr Leap",
                "parent_id": cls.customer.id,
                "birthday": date(1984, 2, 29),
            }
        )
        cls.stranger = cls.env["res.partner"].create(
            {"name": "Not a customer", "birthday": date(1980, 8, 10)}
        )
        cls.before = cls.env["aftersales.ticket"].search([])

    def care_tickets(self):
        return self.env["aftersales.ticket"].search(
            [("ticket_type", "=", "care"), ("id", "not in", self.before.ids)]
        )

    def test_birthday_ticket_days_before_once(self):
        with freeze_time("2026-08-06 01:00:00"):
            self.run_cron("_cron_generate_care_tickets", "aftersales.care.rule")
        self.assertFalse(self.care_tickets())
        with freeze_time("2026-08-07 01:00:00"):
            self.run_cron("_cron_generate_care_tickets", "aftersales.care.rule")
            self.run_cron("_cron_generate_care_tickets", "aftersales.care.rule")
        ticket = self.care_tickets()
        self.assertEqual(
            len(ticket), 1, "one ticket per occasion, not one per run; not for non-customers"
        )
        self.assertEqual((ticket.partner_id, ticket.user_id), (self.customer, self.rep_a))
        self.assertIn("Ms Li", ticket.name)

    def test_february_29_birthdays_are_greeted_on_the_28th(self):
        with freeze_time("2027-02-25 01:00:00"):
            self.run_cron("_cron_generate_care_tickets", "aftersales.care.rule")
        self.assertIn("Mr Leap", self.care_tickets().name)

    def test_contract_anniversary(self):
        self.birthday_rule.active = False
        rule = self.env["aftersales.care.rule"].create(
            {
                "name": "Anniversary",
                "occasion": "contract_anniversary",
                "days_before": 0,
                "assignee_rule": "fixed",
                "user_id": self.staff.id,
            }
        )
        with freeze_time("2025-09-15 10:00:00"):
            order = self.deliver()
        self.assertEqual(order.date_order.date(), date(2025, 9, 15))
        with freeze_time("2025-09-15 20:00:00"):
            self.run_cron("_cron_generate_care_tickets", "aftersales.care.rule")
        self.assertFalse(self.care_tickets(), "no anniversary in the contract's own year")
        with freeze_time("2026-09-15 02:00:00"):
            self.run_cron("_cron_generate_care_tickets", "aftersales.care.rule")
        ticket = self.care_tickets()
        self.assertEqual(
            (ticket.sale_order_id, ticket.user_id, ticket.care_rule_id), (order, self.staff, rule)
        )
        self.assertIn("1-year", ticket.name)
        self.assertEqual(ticket.opened_on.date(), datetime(2026, 9, 15).date())
