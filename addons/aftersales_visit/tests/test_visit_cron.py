from freezegun import freeze_time

from odoo.tests import tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestVisitCron(AftersalesCase):
    def test_cron_is_idempotent(self):
        with freeze_time("2026-06-01 10:00:00"):
            orders = [self.deliver() for _ in range(3)]
        with freeze_time("2026-06-05 08:00:00"):
            self.run_cron()
            self.run_cron()
        visits = self.Visit.search([("sale_order_id", "in", [o.id for o in orders])])
        self.assertEqual(len(visits), 3)
        self.assertEqual(set(visits.mapped("state")), {"open"})
        self.assertEqual(len(visits.answer_ids), 9, "questions copied once")
        self.assertEqual(len(visits.activity_ids), 3, "one activity per revisit")

    def test_cron_works_in_batches(self):
        with freeze_time("2026-06-01 10:00:00"):
            orders = [self.deliver() for _ in range(3)]
        visits = self.Visit.search([("sale_order_id", "in", [o.id for o in orders])])
        with (
            freeze_time("2026-06-05 08:00:00"),
            self.enter_registry_test_mode(),
            self.registry.cursor() as cr,
        ):
            env = self.env(cr=cr)
            env["aftersales.visit"]._cron_start_due_visits(batch_size=2)
        self.env.invalidate_all()
        self.assertEqual(set(visits.mapped("state")), {"open"})

    def test_round_robin_takes_turns(self):
        self.stage_1.write(
            {
                "assignee_rule": "round_robin",
                "team_user_ids": [(6, 0, [self.staff.id, self.staff_2.id])],
            }
        )
        orders = [self.deliver() for _ in range(3)]
        visits = self.Visit.search([("sale_order_id", "in", [o.id for o in orders])], order="id")
        visits._start()
        self.assertEqual(visits.mapped("user_id"), self.staff | self.staff_2)
        self.assertEqual([v.user_id for v in visits], [self.staff, self.staff_2, self.staff])

    def test_round_robin_without_a_team_takes_after_sales_staff(self):
        self.stage_1.assignee_rule = "round_robin"
        visit = self.visits_of(self.deliver())
        visit._start()
        self.assertTrue(visit.user_id.has_group("aftersales_visit.group_aftersales_user"))

    def test_fixed_user(self):
        self.stage_1.write({"assignee_rule": "fixed", "user_id": self.staff_2.id})
        visit = self.visits_of(self.deliver())
        visit._start()
        self.assertEqual(visit.user_id, self.staff_2)
