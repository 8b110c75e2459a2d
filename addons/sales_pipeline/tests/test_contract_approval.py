from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, SalesPipelineCase


@tagged("post_install", "-at_install")
class TestContractApproval(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.director = new_test_user(
            cls.env, login="sp_director", groups=MANAGER_GROUPS, name="Director"
        )
        cls.team = cls.env["crm.team"].create({"name": "East Team", "user_id": cls.manager.id})
        directors = cls.env["res.groups"].create(
            {"name": "Directors", "user_ids": [(6, 0, cls.director.ids)]}
        )
        Rule = cls.env["sale.order.approval.rule"]
        cls.rule_small = Rule.create(
            {
                "name": "Over 10k",
                "min_amount": 10000,
                "level_ids": [(0, 0, {"approver_type": "team_leader"})],
            }
        )
        cls.rule_big = Rule.create(
            {
                "name": "Over 100k",
                "min_amount": 100000,
                "level_ids": [
                    (0, 0, {"approver_type": "team_leader", "sequence": 1}),
                    (0, 0, {"approver_type": "group", "group_id": directors.id, "sequence": 2}),
                ],
            }
        )
        cls.customer = cls.make_customer("Contract Customer", owner=cls.rep_a)
        cls.product = cls.env["product.product"].create(
            {"name": "Machine", "list_price": 1000, "standard_price": 600}
        )

    def _order(self, amount):
        return (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "team_id": self.team.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
        )

    def test_thresholds_choose_the_levels(self):
        small, big, tiny = self._order(20000), self._order(200000), self._order(500)
        (small | big | tiny).with_user(self.rep_a).action_submit_contract()
        self.assertEqual(len(small.approval_step_ids), 1)
        self.assertEqual(small.approval_step_ids.approver_ids, self.manager)
        self.assertEqual(len(big.approval_step_ids), 2)
        self.assertEqual(big.approval_step_ids[1].approver_ids, self.director)
        self.assertEqual(
            tiny.contract_state, "approved", "under every threshold: no approval needed"
        )
        self.assertTrue(small.contract_number.startswith("HT"))

    def test_levels_decide_in_order_and_the_last_approves(self):
        order = self._order(200000)
        order.with_user(self.rep_a).action_submit_contract()
        with self.assertRaisesRegex(AccessError, "belongs to Manager"):
            order.with_user(self.director).action_approve_contract()
        order.with_user(self.manager).action_approve_contract("fine by me")
        self.assertEqual(order.contract_state, "pending")
        order.with_user(self.director).action_approve_contract()
        self.assertEqual(order.contract_state, "approved")
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("fine by me", " ".join(order.message_ids.mapped("body")))

    def test_submitter_cannot_approve(self):
        self.team.user_id = self.rep_a
        order = self._order(20000)
        order.with_user(self.rep_a).action_submit_contract()
        with self.assertRaisesRegex(AccessError, "you submitted"):
            order.with_user(self.rep_a).action_approve_contract()
        self.assertEqual(order.contract_state, "pending")

    def test_rejection_returns_to_the_rep_with_the_reason(self):
        order = self._order(20000)
        order.with_user(self.rep_a).action_submit_contract()
        with self.assertRaisesRegex(UserError, "Say why"):
            order.with_user(self.manager).action_reject_contract("")
        order.with_user(self.manager).action_reject_contract("Price too low")
        self.assertEqual(order.contract_state, "rejected")
        message = order.message_ids[0]
        self.assertIn("Price too low", message.body)
        self.assertIn(self.rep_a.partner_id, message.partner_ids)
        order.with_user(self.rep_a).action_submit_contract()
        self.assertEqual(order.contract_state, "pending", "the rep may submit again")

    def test_no_confirmation_without_approval(self):
        order = self._order(20000)
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        order.with_user(self.rep_a).action_submit_contract()
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_bypass_by_writing_the_state_is_refused(self):
        order = self._order(20000)
        for user in (self.rep_a, self.manager):
            with (
                self.subTest(user=user.name),
                self.assertRaisesRegex(AccessError, "changes only through"),
            ):
                order.with_user(user).write({"contract_state": "approved"})
        self.assertEqual(order.contract_state, "none")
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).write({"state": "sale"})
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_changes_after_approval_need_a_new_approval(self):
        order = self._order(20000)
        order.with_user(self.rep_a).action_submit_contract()
        order.with_user(self.manager).action_approve_contract()
        order.order_line.with_user(self.rep_a).write({"price_unit": 30000})
        self.assertEqual(order.contract_state, "none")
        self.assertFalse(order.approval_step_ids)
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        order.with_user(self.rep_a).action_submit_contract()
        order.with_user(self.manager).action_approve_contract()
        order.with_user(self.rep_a).write({"signing_date": "2026-12-01"})
        self.assertEqual(order.contract_state, "none", "contract terms count too")

    def test_low_margin_needs_approval_whatever_the_amount(self):
        self.env["sale.order.approval.rule"].create(
            {
                "name": "Thin margin",
                "margin_below": 20,
                "level_ids": [(0, 0, {"approver_type": "user", "user_id": self.director.id})],
            }
        )
        thin = self._order(700)  # cost 600: margin 14 %
        thick = self._order(2000)  # margin 70 %
        (thin | thick).with_user(self.rep_a).action_submit_contract()
        self.assertEqual((thin.contract_state, thick.contract_state), ("pending", "approved"))
        self.assertEqual(thin.approval_step_ids.approver_ids, self.director)

    def test_decision_wizard(self):
        order = self._order(20000)
        order.with_user(self.rep_a).action_submit_contract()
        wizard = (
            self.env["sale.order.approval.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "order_id": order.id,
                    "decision": "reject",
                    "decision_note": "Missing signature",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(order.contract_state, "rejected")
