from odoo import Command
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
        cls.team = cls.env["crm.team"].create(
            {
                "name": "East Team",
                "user_id": cls.manager.id,
                "member_ids": [Command.set((cls.rep_a | cls.rep_b).ids)],
            }
        )
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
        self.assertEqual(len(small.contract_approval_ids), 1)
        self.assertEqual(small.contract_approval_ids.approver_ids, self.manager)
        self.assertEqual(len(big.contract_approval_ids), 2)
        self.assertEqual(big.contract_approval_ids[1].approver_ids, self.director)
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
        with self.assertRaisesRegex(AccessError, "request of your own"):
            order.with_user(self.rep_a).action_approve_contract()
        self.assertEqual(order.contract_state, "pending")
        approval = order.contract_approval_ids
        self.assertTrue(approval.fell_back, "the leader submitted it: the managers decide")
        self.assertNotIn(self.rep_a, approval.approver_ids)
        self.assertIn(self.manager, approval.approver_ids)
        self.assertRegex(order.message_ids[0].body, "decide instead|改由销售经理")
        order.with_user(self.manager).action_approve_contract()
        self.assertEqual(order.contract_state, "approved")

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
                self.assertRaisesRegex(AccessError, "change only through"),
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
        self.assertEqual(order.contract_approval_ids.mapped("state"), ["approved"], "history kept")
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        order.with_user(self.rep_a).action_submit_contract()
        order.with_user(self.manager).action_approve_contract()
        order.with_user(self.rep_a).write({"signing_date": "2026-12-01"})
        self.assertEqual(order.contract_state, "none", "contract terms count too")

    def _approved_order(self, amount=20000):
        order = self._order(amount)
        order.with_user(self.rep_a).action_submit_contract()
        if order.contract_state == "pending":
            order.with_user(self.manager).action_approve_contract()
        self.assertEqual(order.contract_state, "approved")
        return order

    def test_an_approval_covers_units_and_taxes_too(self):
        dozens = self.env.ref("uom.product_uom_dozen")
        tax = self.env["account.tax"].create({"name": "VAT 13", "amount": 13})
        for vals in ({"product_uom_id": dozens.id}, {"tax_ids": [(6, 0, tax.ids)]}):
            with self.subTest(vals=vals):
                order = self._approved_order()
                order.order_line.with_user(self.rep_a).write(vals)
                self.assertEqual(order.contract_state, "none")
                with self.assertRaisesRegex(UserError, "needs an approved contract"):
                    order.with_user(self.rep_a).action_confirm()
                self.assertEqual(order.state, "draft")

    def test_no_approval_needed_holds_for_what_was_submitted_only(self):
        order = self._approved_order(500)  # under every threshold
        order.order_line.with_user(self.rep_a).write({"product_uom_qty": 100})
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_confirmation_checks_what_was_approved_whatever_the_path(self):
        """Even a change that reached the database without write() (another module's SQL, an
        import tool) is seen at confirmation: the approval is of the submitted figures."""
        order = self._approved_order()
        self.env.cr.execute(
            "UPDATE sale_order_line SET price_unit = 90000 WHERE order_id = %s", [order.id]
        )
        self.env.invalidate_all()
        self.assertEqual(order.contract_state, "approved")
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_context_keys_switch_no_check_off(self):
        order = self._order(20000)
        for key in ("confirming_contract", "revision_workflow"):
            with self.subTest(key=key):
                with self.assertRaisesRegex(UserError, "needs an approved contract"):
                    order.with_user(self.rep_a).with_context(**{key: True}).write({"state": "sale"})
        approved = self._approved_order()
        approved.order_line.with_user(self.rep_a).with_context(revision_workflow=True).write(
            {"price_unit": 90000}
        )
        self.assertEqual(approved.contract_state, "none", "the flag keeps no approval")
        self.assertEqual(order.state, "draft")

    def test_create_copy_and_import_obey_the_approval(self):
        Order = self.env["sale.order"].with_user(self.rep_a)
        vals = {"partner_id": self.customer.id, "contract_state": "approved"}
        with self.assertRaisesRegex(AccessError, "change only through"):
            Order.create(vals)
        with self.assertRaisesRegex(AccessError, "change only through"):
            Order.with_context(default_contract_state="approved").create(
                {"partner_id": self.customer.id}
            )
        with self.assertRaisesRegex(AccessError, "change only through"):
            self._order(20000).with_user(self.rep_a).copy({"contract_state": "approved"})
        result = Order.load(
            ["partner_id/.id", "contract_state", "discount_approved_by_id/.id"],
            [[str(self.customer.id), "approved", str(self.rep_a.id)]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("change only through", str(result["messages"]))
        self.assertFalse(
            self.env["sale.order"].search(
                [("partner_id", "=", self.customer.id), ("contract_state", "=", "approved")]
            )
        )

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
        self.assertEqual(thin.contract_approval_ids.approver_ids, self.director)

    def test_decision_wizard(self):
        order = self._order(20000)
        order.with_user(self.rep_a).action_submit_contract()
        dialog = order.with_user(self.manager).action_open_contract_reject()
        wizard = (
            self.env[dialog["res_model"]]
            .with_user(self.manager)
            .with_context(**dialog["context"])
            .create({"reason": "Missing signature"})
        )
        wizard.action_confirm()
        self.assertEqual(order.contract_state, "rejected")
