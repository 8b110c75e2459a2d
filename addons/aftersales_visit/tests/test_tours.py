"""After-sales staff complete a revisit on a phone (headless Chromium at a phone's size)."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import STAFF_GROUPS


@tagged("post_install", "-at_install")
class TestAftersalesPhoneTour(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_staff_complete_a_revisit_stage_on_a_phone(self):
        staff = new_test_user(self.env, login="tour_staff", groups=STAFF_GROUPS, name="Tour Staff")
        customer = self.env["res.partner"].create(
            {"name": "Tour Revisit Customer", "is_company": True, "is_customer": True}
        )
        flow = self.env.ref("aftersales_visit.visit_flow_delivery")
        visit = self.env["aftersales.visit"].create(
            {
                "flow_id": flow.id,
                "stage_id": flow.stage_ids[0].id,
                "partner_id": customer.id,
                "user_id": staff.id,
            }
        )
        visit._start()
        self.start_tour(
            "/odoo/action-aftersales_visit.aftersales_visit_action_my",
            "aftersales_complete_revisit",
            login="tour_staff",
        )
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.answer_ids.filtered(lambda a: a.answer_type == "score").score, "4")
        self.assertEqual(
            visit.next_visit_id.stage_id, flow.stage_ids[1], "the next stage is planned"
        )


@tagged("post_install", "-at_install")
class TestPortalPhoneTour(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_a_customer_answers_on_a_phone_and_a_bad_answer_opens_a_complaint(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Portal Customer", "is_company": True, "is_customer": True}
        )
        flow = self.env.ref("aftersales_visit.visit_flow_delivery")
        visit = self.env["aftersales.visit"].create(
            {"flow_id": flow.id, "stage_id": flow.stage_ids[0].id, "partner_id": customer.id}
        )
        visit._start()
        visit._portal_ensure_token()
        self.start_tour(
            f"/my/revisits/{visit.id}?access_token={visit.access_token}",
            "aftersales_portal_answer_revisit",
        )
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.escalated)
        self.assertEqual(visit.escalation_ticket_id.ticket_type, "complaint")
        self.assertEqual(visit.escalation_ticket_id.partner_id, customer)
