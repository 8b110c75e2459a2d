from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestVisitFlow(AftersalesCase):
    def test_delivery_plans_stage_one_after_its_delay(self):
        with freeze_time("2026-05-04 10:00:00"):
            order = self.deliver()
        visit = self.visits_of(order)
        self.assertEqual(len(visit), 1)
        self.assertEqual(
            (visit.stage_id, visit.state, visit.trigger), (self.stage_1, "planned", "delivery_done")
        )
        self.assertEqual(visit.scheduled_date, date(2026, 5, 7))
        self.assertEqual(visit.partner_id, self.customer)
        self.assertFalse(visit.user_id, "assigned when the stage starts, not before")
        self.assertFalse(visit.answer_ids)

    def test_cron_opens_the_stage_on_its_date_only(self):
        with freeze_time("2026-05-04 10:00:00"):
            order = self.deliver()
        visit = self.visits_of(order)
        with freeze_time("2026-05-06 12:00:00"):
            self.run_cron()
        self.assertEqual(visit.state, "planned")
        with freeze_time("2026-05-07 08:00:00"):
            self.run_cron()
        self.assertEqual(visit.state, "open")
        self.assertEqual(visit.user_id, self.rep_a, "contract's rep")
        self.assertEqual(
            visit.answer_ids.mapped("question"),
            [f"Satisfied with {order.name}?", "Complete?", "Remarks"],
        )
        self.assertEqual(visit.activity_ids.user_id, self.rep_a)
        self.assertIn(f"about {order.name} (Stocked Widget) {{unknown}}", visit.script)

    def test_completing_a_stage_plans_the_next_one(self):
        with freeze_time("2026-05-04 10:00:00"):
            order = self.deliver()
        visit = self.visits_of(order)
        with freeze_time("2026-05-08 09:00:00"):
            visit.with_user(self.rep_a).action_start()
            self.answer(visit, user=self.rep_a).action_complete()
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.satisfaction, 4)
        self.assertFalse(visit.escalated)
        self.assertFalse(visit.activity_ids, "the revisit activity is marked done")
        following = visit.next_visit_id
        self.assertEqual((following.stage_id, following.state), (self.stage_2, "planned"))
        self.assertEqual(following.scheduled_date, date(2026, 5, 18), "10 days after completion")
        self.assertEqual(following.previous_visit_id, visit)
        with freeze_time("2026-05-18 08:00:00"):
            self.run_cron()
        self.assertEqual(following.state, "open")
        self.assertEqual(
            following.user_id, self.staff, "round robin starts with the first team member"
        )

    def test_missing_answers_refuse_completion_and_change_nothing(self):
        order = self.deliver()
        visit = self.visits_of(order)
        visit.action_start()
        visit.answer_ids.filtered(lambda a: a.answer_type == "score").score = "5"
        with self.assertRaisesRegex(UserError, "Complete\\?"):
            visit.with_user(self.rep_a).action_complete()
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.next_visit_id)

    def test_bad_answer_opens_a_complaint_and_the_flow_goes_on(self):
        order = self.deliver()
        visit = self.visits_of(order)
        visit.action_start()
        self.answer(visit, score="2", user=self.rep_a).action_complete()
        self.assertTrue(visit.escalated)
        ticket = visit.escalation_ticket_id
        self.assertEqual(
            (ticket.ticket_type, ticket.partner_id, ticket.sale_order_id),
            ("complaint", self.customer, order),
        )
        self.assertTrue(ticket.sla_deadline, "a complaint gets its SLA deadline")
        self.assertTrue(visit.next_visit_id)

    def test_no_on_a_yes_no_question_escalates_too(self):
        order = self.deliver()
        visit = self.visits_of(order)
        visit.action_start()
        self.answer(visit, score="5", yes_no="no").action_complete()
        self.assertTrue(visit.escalation_ticket_id)

    def test_bad_answer_can_end_the_flow(self):
        self.stage_1.escalation_stops_flow = True
        visit = self.visits_of(self.deliver())
        visit.action_start()
        self.answer(visit, score="1").action_complete()
        self.assertFalse(visit.next_visit_id)

    def test_manager_escalation_alerts_after_sales_managers(self):
        visit = self.visits_of(self.deliver())
        visit.action_start()
        self.answer(visit).action_complete()
        second = visit.next_visit_id
        second.action_start()
        self.answer(second, score="1").action_complete()
        self.assertTrue(second.escalated)
        self.assertFalse(second.escalation_ticket_id)
        self.assertIn(self.as_manager, second.activity_ids.user_id)

    def test_last_stage_ends_the_flow(self):
        visit = self.visits_of(self.deliver())
        visit.action_start()
        self.answer(visit).action_complete()
        second = visit.next_visit_id
        second.action_start()
        self.answer(second).action_complete()
        self.assertFalse(second.next_visit_id)
        self.assertEqual(len(self.Visit.search([("trigger_ref", "=", visit.trigger_ref)])), 2)

    def test_flow_starts_once_per_trigger(self):
        order = self.deliver()
        picking = order.picking_ids
        self.env["aftersales.visit.flow"]._start_for("delivery_done", picking)
        self.env["aftersales.visit.flow"]._start_for("delivery_done", picking)
        self.assertEqual(len(self.visits_of(order)), 1)

    def test_backorder_delivery_does_not_start_the_flow_again(self):
        order = self.deliver(qty=15, partial=True)
        self.assertEqual(len(self.visits_of(order)), 1)
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 5)
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        backorder.action_assign()
        backorder.button_validate()
        self.assertEqual(backorder.state, "done")
        self.assertEqual(len(self.visits_of(order)), 1)

    def test_other_triggers(self):
        executed = self.flow.copy({"name": "On execution", "trigger": "contract_executed"})
        order = self.deliver()
        self.assertEqual(self.visits_of(order).flow_id, self.flow | executed)
        closed = self.flow.copy(
            {"name": "After complaints", "trigger": "ticket_closed", "ticket_type": "complaint"}
        )
        ticket = (
            self.env["aftersales.ticket"]
            .with_user(self.staff)
            .create(
                {
                    "name": "Broken",
                    "ticket_type": "complaint",
                    "partner_id": self.customer.id,
                }
            )
        )
        suggestion = (
            self.env["aftersales.ticket"]
            .with_user(self.staff)
            .create(
                {
                    "name": "Idea",
                    "ticket_type": "suggestion",
                    "partner_id": self.customer.id,
                }
            )
        )
        solved = self.env.ref("aftersales_visit.ticket_stage_solved")
        (ticket | suggestion).with_user(self.staff).write({"stage_id": solved.id})
        self.assertEqual(self.Visit.search([("origin_ticket_id", "=", ticket.id)]).flow_id, closed)
        self.assertFalse(
            self.Visit.search([("origin_ticket_id", "=", suggestion.id)]),
            "flow is for complaints only",
        )

    def test_return_approval_starts_its_flow(self):
        returned = self.flow.copy({"name": "After returns", "trigger": "return_approved"})
        order = self.deliver(qty=2)
        action = order.with_user(self.rep_a).action_new_return()
        record = (
            self.env["sale.order.return"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
            .create(
                {
                    "reason": "Damaged",
                }
            )
        )
        record.line_ids.quantity = 1
        record.with_user(self.rep_a).action_submit()
        # from To Approve, with a reason: the flow starts however the return is approved
        approval = record.approval_ids.filtered(lambda a: a.state == "pending")
        approval.with_user(self.manager).action_approve("Carrier's fault")
        visit = self.Visit.search([("return_id", "=", record.id)])
        self.assertEqual((visit.flow_id, visit.sale_order_id), (returned, order))
        self.assertEqual(record.decision_reason, "Carrier's fault")

    def test_start_by_hand_from_a_contract(self):
        manual = self.flow.copy({"name": "By hand", "trigger": "manual"})
        order = self.deliver()
        action = order.with_user(self.rep_a).action_start_revisit()
        wizard = (
            self.env["aftersales.visit.start.wizard"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
            .create({"flow_id": manual.id, "start_date": date.today().replace(year=2000)})
        )
        result = wizard.action_start()
        visit = self.Visit.browse(result["res_id"])
        self.assertEqual(
            (visit.partner_id, visit.sale_order_id, visit.state), (self.customer, order, "open")
        )
        again = (
            self.env["aftersales.visit.start.wizard"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
            .create({"flow_id": manual.id})
        )
        with self.assertRaisesRegex(UserError, "already running"):
            again.action_start()

    def test_customer_360_shows_visits_and_tickets(self):
        order = self.deliver()
        customer = self.as_user(self.customer, self.rep_a)
        self.assertEqual(customer.visit_ids, self.visits_of(order))
        self.assertEqual(customer.visit_count, 1)
        action = customer.action_view_visits()
        self.assertEqual(
            self.env["aftersales.visit"].search(action["domain"]), self.visits_of(order)
        )
