from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, ProjectCase


@tagged("post_install", "-at_install")
class TestApprovalEngine(ProjectCase):
    """One engine for the five approval flows: who decides, never one's own request, activities,
    the To Approve list, fallback to the sales managers, reminders and escalation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Approval = cls.env["sales.pipeline.approval"]
        # the sales managers of the tests, and nobody else's groups
        cls.other_managers = Approval._sales_managers() - cls.manager
        cls.leader = new_test_user(
            cls.env, login="eng_leader", groups=MANAGER_GROUPS, name="Leader"
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Engine Team",
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.rep_a | cls.rep_b).ids)],
            }
        )
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.rule = cls.env["sale.order.approval.rule"].create(
            {
                "name": "Big contracts",
                "min_amount": 1000,
                "level_ids": [Command.create({"approver_type": "team_leader"})],
            }
        )
        cls.env["sale.order.discount.rule"].search([]).active = False
        cls.env["sale.order.discount.rule"].create(
            {"tier": "new", "default_discount": 0, "max_discount": 5}
        )
        cls.product = cls.env["product.product"].create({"name": "Engine Pump", "list_price": 100})
        cls.to_approve = cls.env.ref("sales_pipeline.mail_activity_type_to_approve")

    def _order(self, price=5000, discount=0, team=None):
        return (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "team_id": (team or self.team).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "price_unit": price,
                                "discount": discount,
                            }
                        )
                    ],
                }
            )
        )

    def _waiting_for(self, user):
        Approval = self.env["sales.pipeline.approval"].with_user(user)
        return Approval.search([("state", "=", "pending"), ("approver_ids", "in", user.ids)])

    def test_approvers_get_an_activity_and_the_requester_the_decision(self):
        order = self._order()
        order.with_user(self.rep_a).action_submit_contract()
        approval = order.contract_approval_ids
        self.assertEqual((approval.state, approval.approver_ids), ("pending", self.leader))
        activity = approval.activity_ids
        self.assertEqual(
            (activity.user_id, activity.activity_type_id), (self.leader, self.to_approve)
        )
        self.assertTrue(activity.date_deadline)
        self.assertEqual(self._waiting_for(self.leader), approval)
        self.assertFalse(self._waiting_for(self.rep_a), "nothing waits for the requester")
        approval.with_user(self.leader).action_approve("Good price")
        self.assertFalse(approval.activity_ids, "the activity is done")
        self.assertEqual(order.contract_state, "approved")
        told = order.message_ids[0]
        self.assertIn("Good price", told.body)
        self.assertIn(self.rep_a.partner_id, told.partner_ids)

    def test_the_five_flows_wait_in_one_list(self):
        order = self._order(discount=20)
        order.with_user(self.rep_a).action_request_discount_approval()
        order.with_user(self.manager).action_approve_discounts()
        order.with_user(self.rep_a).action_submit_contract()
        pool = self.make_customer("Engine Pool")
        open_project = self.make_project("Engine Open", customer=pool)
        open_project.with_user(self.rep_b).action_request_claim()
        template = self.make_process_template("Gated", ("Survey", {"need_approval": True}))
        stepped = self.make_project("Stepped", owner=self.rep_a, process_template_id=template.id)
        stepped.with_user(self.rep_a).action_request_step_approval()
        flows = set(self._waiting_for(self.manager).mapped("flow"))
        self.assertEqual(flows, {"claim", "step"}, "the contract waits for the team leader")
        self.assertIn("contract", self._waiting_for(self.leader).mapped("flow"))
        decided = self.env["sales.pipeline.approval"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("flow", "=", "discount")]
        )
        self.assertEqual((decided.state, decided.decided_by_id), ("approved", self.manager))
        for approval in self._waiting_for(self.manager):
            approval.with_user(self.manager).action_approve()
        self.assertEqual(open_project.user_id, self.rep_b)
        self.assertEqual(stepped.step_approved_by_id, self.manager)

    def test_who_may_decide(self):
        order = self._order()
        order.with_user(self.rep_a).action_submit_contract()
        approval = order.contract_approval_ids
        with self.assertRaisesRegex(AccessError, "request of your own"):
            approval.with_user(self.rep_a).action_approve()
        with self.assertRaisesRegex(AccessError, "belongs to Leader"):
            approval.sudo().with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "Say why"):
            approval.with_user(self.leader).action_reject("  ")
        approval.with_user(self.leader).action_reject("Too cheap")
        with self.assertRaisesRegex(UserError, "not waiting"):
            approval.with_user(self.leader).action_approve()
        self.assertEqual((order.contract_state, approval.reason), ("rejected", "Too cheap"))

    def test_reps_see_only_their_requests_and_what_they_decide(self):
        order = self._order()
        order.with_user(self.rep_a).action_submit_contract()
        approval = order.contract_approval_ids
        Approval = self.env["sales.pipeline.approval"]
        self.assertFalse(Approval.with_user(self.rep_b).search([("id", "=", approval.id)]))
        self.assertTrue(Approval.with_user(self.rep_a).search([("id", "=", approval.id)]))
        with self.assertRaises(AccessError):
            approval.with_user(self.rep_b).write({"state": "approved"})
        with self.assertRaises(AccessError):
            Approval.with_user(self.rep_b).create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "flow": "contract",
                    "requested_by_id": self.rep_b.id,
                }
            )

    def test_nobody_to_decide_falls_back_to_the_sales_managers(self):
        leaderless = self.env["crm.team"].create(
            {"name": "No Leader", "member_ids": [Command.link(self.rep_a.id)]}
        )
        for team, why in ((leaderless, "no leader"), (self.team, "the leader is archived")):
            with self.subTest(why=why):
                if team == self.team:
                    self.leader.active = False
                order = self._order(team=team)
                order.with_user(self.rep_a).action_submit_contract()
                approval = order.contract_approval_ids
                self.assertTrue(approval.fell_back)
                self.assertIn(self.manager, approval.approver_ids)
                self.assertNotIn(self.rep_a, approval.approver_ids)
                self.assertRegex(order.message_ids[0].body, "decide instead|改由销售经理")
                approval.with_user(self.manager).action_approve()
                self.assertEqual(order.contract_state, "approved")

    def test_overdue_approvals_are_reminded_then_escalated(self):
        self.env["ir.config_parameter"].set_param("sales_pipeline.approval_deadline_hours", "24")
        self.env["ir.config_parameter"].set_param("sales_pipeline.approval_escalation_hours", "72")
        with freeze_time("2026-12-01 09:00:00"):
            order = self._order()
            order.with_user(self.rep_a).action_submit_contract()
        approval = order.contract_approval_ids
        Approval = self.env["sales.pipeline.approval"]
        with freeze_time("2026-12-01 20:00:00"):
            Approval._cron_remind_and_escalate()
        self.assertFalse(approval.reminded_on, "not overdue yet")
        with freeze_time("2026-12-02 10:00:00"):
            Approval._cron_remind_and_escalate()
        self.assertEqual(approval.reminded_on, fields.Datetime.to_datetime("2026-12-02 10:00:00"))
        self.assertEqual(approval.approver_ids, self.leader, "reminded, not escalated yet")
        with freeze_time("2026-12-04 10:00:00"):
            Approval._cron_remind_and_escalate()
        self.assertTrue(approval.escalated_on)
        self.assertIn(self.manager, approval.approver_ids)
        self.assertIn(self.manager, approval.activity_ids.user_id)
        approval.with_user(self.manager).action_approve()
        self.assertEqual(order.contract_state, "approved")
        self.assertFalse(approval.activity_ids)

    def test_a_changed_request_is_withdrawn_with_its_activities(self):
        order = self._order()
        order.with_user(self.rep_a).action_submit_contract()
        approval = order.contract_approval_ids
        order.order_line.with_user(self.rep_a).write({"price_unit": 6000})
        self.assertEqual(approval.state, "withdrawn")
        self.assertFalse(approval.activity_ids)
        self.assertFalse(self._waiting_for(self.leader))

    def test_an_approval_one_may_not_read_answers_as_a_missing_one(self):
        secret = self.make_customer("Engine Secret", owner=self.rep_a, protected=True)
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": secret.id,
                    "team_id": self.team.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": 5000})
                    ],
                }
            )
        )
        order.with_user(self.rep_a).action_submit_contract()
        approval = order.contract_approval_ids
        missing = approval.browse(approval.id + 10**6)
        answers = []
        for record in (approval, missing):
            for call in (
                lambda r: r.with_user(self.rep_b).action_approve(),
                lambda r: r.with_user(self.rep_b).action_reject("no"),
                lambda r: (
                    self.env["sales.pipeline.approval.wizard"]
                    .with_user(self.rep_b)
                    .create({"approval_id": r.id, "decision": "approve"})
                ),
            ):
                with self.assertRaises(MissingError) as caught:
                    call(record)
                # the record's id, not a digit of the user's id ("User: 97" with id 7)
                answers.append(str(caught.exception).replace(f"({record.id},)", "(ID,)"))
            self.assertEqual(record.with_user(self.rep_b).read(["document_name"]), [])
        self.assertEqual(answers[:3], answers[3:], "a hidden approval answers as a missing one")
        self.assertFalse([a for a in answers if "Engine Secret" in a or order.name in a])
        hidden_order = order.with_user(self.rep_b)
        for call in (
            hidden_order.action_approve_contract,
            hidden_order.action_open_contract_approve,
            lambda: hidden_order.action_reject_contract("no"),
        ):
            with self.assertRaises(MissingError):
                call()

    def test_a_manager_does_not_approve_the_discounts_of_their_own_quotation(self):
        quote = (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": False,
                    "order_line": [Command.create({"product_id": self.product.id, "discount": 20})],
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "request of your own"):
            quote.with_user(self.manager).action_approve_discounts()
        self.assertFalse(quote.discount_approved_by_id)

    def test_the_team_leader_is_the_salespersons_not_a_friendly_teams(self):
        friendly = new_test_user(self.env, login="eng_friend", groups=MANAGER_GROUPS, name="Friend")
        other_team = self.env["crm.team"].create({"name": "Friendly Team", "user_id": friendly.id})
        order = self._order(team=other_team)
        order.with_user(self.rep_a).action_submit_contract()
        self.assertEqual(order.contract_approval_ids.approver_ids, self.leader)
        order.with_user(self.leader).action_approve_contract()
        order.with_user(self.rep_a).write({"team_id": self.team.id})
        self.assertEqual(order.contract_state, "none", "the team is a term of the approval")

    def test_the_deadline_and_escalation_are_settings(self):
        self.env["res.config.settings"].create(
            {"approval_deadline_hours": 8, "approval_escalation_hours": 16}
        ).execute()
        Approval = self.env["sales.pipeline.approval"]
        self.assertEqual((Approval._deadline_hours(), Approval._escalation_hours()), (8, 16))
        with freeze_time("2026-12-01 09:00:00"):
            order = self._order()
            order.with_user(self.rep_a).action_submit_contract()
        self.assertEqual(
            order.contract_approval_ids.deadline,
            fields.Datetime.to_datetime("2026-12-01 17:00:00"),
        )
