from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestTicket(AftersalesCase):
    def _ticket(self, **vals):
        return (
            self.env["aftersales.ticket"]
            .with_user(self.staff)
            .create(
                {
                    "name": "Scratched panel",
                    "partner_id": self.customer.id,
                    **vals,
                }
            )
        )

    def test_sla_deadline_by_type_and_priority(self):
        with freeze_time("2026-07-01 08:00:00"):
            urgent = self._ticket(ticket_type="complaint", priority="3")
            idea = self._ticket(ticket_type="suggestion", priority="1")
        self.assertEqual(urgent.sla_deadline, datetime(2026, 7, 1, 12, 0))
        self.assertEqual(idea.sla_deadline, datetime(2026, 7, 4, 8, 0))
        urgent.priority = "1"
        self.assertEqual(
            urgent.sla_deadline, datetime(2026, 7, 2, 8, 0), "priority change moves the deadline"
        )

    def test_no_rule_no_deadline(self):
        self.env["aftersales.sla.rule"].search([("ticket_type", "=", "care")]).unlink()
        self.assertFalse(self._ticket(ticket_type="care").sla_deadline)

    def test_sla_failed_while_open_and_when_closed_late(self):
        solved = self.env.ref("aftersales_visit.ticket_stage_solved")
        with freeze_time("2026-07-01 08:00:00"):
            late = self._ticket(ticket_type="complaint", priority="3")
            on_time = self._ticket(ticket_type="complaint", priority="3")
        with freeze_time("2026-07-01 10:00:00"):
            on_time.stage_id = solved
        with freeze_time("2026-07-01 13:00:00"):
            Ticket = self.env["aftersales.ticket"]
            self.assertTrue(late.sla_failed)
            self.assertFalse(on_time.sla_failed)
            failed = Ticket.search([("sla_failed", "=", True), ("id", "in", (late | on_time).ids)])
            self.assertEqual(failed, late)
            late.stage_id = solved
            self.assertEqual(
                Ticket.search([("sla_failed", "=", True), ("id", "in", (late | on_time).ids)]), late
            )
            self.assertEqual(
                Ticket.search([("sla_failed", "=", False), ("id", "in", (late | on_time).ids)]),
                on_time,
            )

    def test_closing_and_reopening(self):
        ticket = self._ticket()
        ticket.stage_id = self.env.ref("aftersales_visit.ticket_stage_solved")
        self.assertTrue(ticket.closed_on)
        ticket.stage_id = self.env.ref("aftersales_visit.ticket_stage_in_progress")
        self.assertFalse(ticket.closed_on)
        self.assertTrue(ticket.number.startswith("AS"))

    def test_rep_records_a_suggestion_from_the_form(self):
        form = Form(self.env["aftersales.ticket"].with_user(self.rep_a))
        form.name = "Offer a longer warranty"
        form.ticket_type = "suggestion"
        form.partner_id = self.customer
        ticket = form.save()
        self.assertEqual(
            (ticket.user_id, ticket.stage_id),
            (self.rep_a, self.env.ref("aftersales_visit.ticket_stage_new")),
        )

    def test_an_sla_breach_is_escalated_once_to_the_after_sales_managers(self):
        with freeze_time("2026-07-01 08:00:00"):
            late = self._ticket(ticket_type="complaint", priority="3")
            on_time = self._ticket(ticket_type="suggestion", priority="1")
            closed = self._ticket(ticket_type="complaint", priority="3")
            closed.stage_id = self.env["aftersales.ticket.stage"].search(
                [("is_closed", "=", True)], limit=1
            )
        with freeze_time("2026-07-01 13:00:00"):
            self.run_cron("_cron_escalate_sla_breaches", "aftersales.ticket")
            self.run_cron("_cron_escalate_sla_breaches", "aftersales.ticket")
        self.assertEqual((late | on_time | closed).mapped("sla_escalated"), [True, False, False])
        activities = late.activity_ids.filtered(lambda a: a.user_id == self.as_manager)
        self.assertEqual(len(activities), 1, "once, however often the job runs")
        self.assertIn(late.number, activities.summary)
        notice = late.message_ids.filtered(lambda m: self.as_manager.partner_id in m.partner_ids)
        self.assertEqual(len(notice), 1)
        self.assertFalse(late.activity_ids.filtered(lambda a: a.user_id == self.staff))
