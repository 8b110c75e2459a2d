from odoo.exceptions import AccessError, MissingError
from odoo.tests import tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestVisitAccess(AftersalesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = cls.make_customer("Protected Customer", owner=cls.rep_a, protected=True)
        cls.secret_visit, cls.secret_ticket = cls._visit_and_ticket(cls.secret)
        cls.open_visit, cls.open_ticket = cls._visit_and_ticket(cls.customer)

    @classmethod
    def _visit_and_ticket(cls, customer):
        flow = cls.flow
        visit = cls.env["aftersales.visit"].create(
            {
                "flow_id": flow.id,
                "stage_id": cls.stage_1.id,
                "partner_id": customer.id,
            }
        )
        ticket = cls.env["aftersales.ticket"].create({"name": "Noise", "partner_id": customer.id})
        return visit, ticket

    def test_after_sales_staff_see_every_customer_s_visits(self):
        visits = self.as_user(self.Visit, self.staff).search(
            [("id", "in", (self.secret_visit | self.open_visit).ids)]
        )
        self.assertEqual(visits, self.secret_visit | self.open_visit)
        self.assertEqual(
            sorted(visits.partner_id.mapped("name")), ["Execution Customer", "Protected Customer"]
        )
        tickets = self.as_user(self.env["aftersales.ticket"], self.staff).search([])
        self.assertIn(self.secret_ticket, tickets)

    def test_rep_never_sees_another_rep_s_protected_customer(self):
        visits = self.as_user(self.Visit, self.rep_b).search(
            [("id", "in", (self.secret_visit | self.open_visit).ids)]
        )
        self.assertFalse(visits)
        with self.assertRaises(AccessError):
            self.as_user(self.secret_visit, self.rep_b).read(["name"])
        with self.assertRaises(AccessError):
            self.as_user(self.secret_ticket, self.rep_b).read(["name"])
        with self.assertRaises(AccessError):
            self.as_user(
                self.secret_visit.answer_ids
                | self.env["aftersales.visit.answer"].create(
                    {"visit_id": self.secret_visit.id, "question": "Q"}
                ),
                self.rep_b,
            ).read(["question"])
        self.assertEqual(
            self.as_user(self.secret, self.rep_b).search_count(
                [("visit_ids", "!=", False), ("id", "=", self.secret.id)]
            ),
            0,
        )

    def test_rep_sees_visits_of_customers_they_can_see(self):
        mine = self.as_user(self.Visit, self.rep_a).search(
            [("id", "in", (self.secret_visit | self.open_visit).ids)]
        )
        self.assertEqual(mine, self.secret_visit | self.open_visit)
        self.env["res.partner.share"].create(
            {"partner_id": self.customer.id, "user_id": self.rep_b.id}
        )
        shared = self.as_user(self.Visit, self.rep_b).search(
            [("id", "in", (self.secret_visit | self.open_visit).ids)]
        )
        self.assertEqual(shared, self.open_visit)

    def test_rep_cannot_create_a_ticket_for_a_customer_they_cannot_see(self):
        with self.assertRaises(MissingError):
            self.env["aftersales.ticket"].with_user(self.rep_b).create(
                {"name": "x", "partner_id": self.secret.id}
            )
        self.assertFalse(self.env["aftersales.ticket"].search([("name", "=", "x")]))

    def test_only_after_sales_managers_configure_flows(self):
        with self.assertRaises(AccessError):
            self.flow.with_user(self.staff).write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.flow.with_user(self.rep_a).write({"name": "Hacked"})
        self.flow.with_user(self.as_manager).write({"name": "Renamed"})
        self.assertEqual(self.flow.name, "Renamed")

    def test_reps_do_not_delete_visits(self):
        with self.assertRaises(AccessError):
            self.open_visit.with_user(self.rep_a).unlink()
        self.assertTrue(self.open_visit.exists())

    def test_staff_read_the_protected_customer_and_its_contract(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.secret.id, "user_id": self.rep_a.id}
        )
        self.assertEqual(self.as_user(self.secret, self.staff).name, "Protected Customer")
        self.assertEqual(self.as_user(order, self.staff).partner_id, self.secret)
        with self.assertRaises(AccessError):
            self.as_user(order, self.staff).write({"note": "x"})
