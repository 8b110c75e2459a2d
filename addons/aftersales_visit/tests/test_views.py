from odoo.tests import Form, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestViews(AftersalesCase):
    """The forms open as each role would open them (every field the client reads)."""

    def test_staff_open_customer_contract_and_revisit(self):
        order = self.deliver()
        visit = self.visits_of(order)
        visit._start()
        self.env.invalidate_all()
        customer_form = Form(self.customer.with_user(self.staff))
        self.assertEqual(customer_form.visit_count, 1)
        order_form = Form(
            order.with_user(self.staff),
            view="aftersales_visit.sale_order_view_form_aftersales_summary",
        )
        self.assertEqual(order_form.visit_count, 1)
        visit_form = Form(visit.with_user(self.staff))
        self.assertEqual(len(visit_form.answer_ids), 3)

    def test_rep_answers_in_the_form(self):
        visit = self.visits_of(self.deliver())
        visit._start()
        self.env.invalidate_all()
        form = Form(visit.with_user(self.rep_a))
        for index in range(len(form.answer_ids)):
            with form.answer_ids.edit(index) as line:
                if line.answer_type == "score":
                    line.score = "5"
                elif line.answer_type == "yes_no":
                    line.yes_no = "yes"
        form.note = "All good"
        form.save()
        visit.with_user(self.rep_a).action_complete()
        self.assertEqual((visit.state, visit.satisfaction), ("done", 5))

    def test_ticket_form_for_staff(self):
        form = Form(self.env["aftersales.ticket"].with_user(self.staff))
        form.name = "Wants a catalogue"
        form.ticket_type = "suggestion"
        form.partner_id = self.customer
        ticket = form.save()
        self.assertTrue(ticket.sla_deadline)
