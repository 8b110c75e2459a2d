from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import ContractCase


@tagged("post_install", "-at_install")
class TestContractsScreen(ContractCase):
    """Contracts (合同管理): what is listed, where it stands, how one is made, and that nothing
    goes to the customer before its approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["sale.order.approval.rule"].create(
            {
                "name": "From 500",
                "min_amount": 500,
                "level_ids": [Command.create({"approver_type": "user", "user_id": cls.manager.id})],
            }
        )
        cls.contracts = cls.env.ref("sales_pipeline.sale_order_action_contracts")

    def _listed(self, user=None):
        Order = self.env["sale.order"].with_user(user or self.rep_a)
        return Order.search(safe_eval(self.contracts.domain))

    def _return_all_or_some(self, order, qty):
        action = order.with_user(self.rep_a).action_new_return()
        record = (
            self.env["sale.order.return"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
            .create({"reason": "Wrong size"})
        )
        record.line_ids.quantity = qty
        record.with_user(self.rep_a).action_submit()
        record.with_user(self.manager).action_approve()
        record.with_user(self.rep_a).action_process()

    def test_a_contract_goes_through_its_stages(self):
        order = self._order(4)  # 400: under the rule
        self.assertFalse(order.is_contract, "a quotation is not a contract yet")
        big = self._order(8)  # 800
        big.with_user(self.rep_a).action_submit_contract()
        self.assertEqual((big.is_contract, big.contract_stage), (True, "pending"))
        big.with_user(self.manager).action_approve_contract()
        self.assertEqual(big.contract_stage, "approved")
        self._execute(big, 800)
        self.assertEqual(big.contract_stage, "executed")
        self._return_all_or_some(big, 3)
        self.assertEqual(big.contract_stage, "partly_returned")
        self._return_all_or_some(big, 5)
        self.assertEqual(big.contract_stage, "returned")
        self._execute(order, 400)
        self.assertEqual((order.is_contract, order.contract_stage), (True, "executed"))
        self.assertEqual(self._listed(), big | order)

    def test_rejected_contracts_show_as_such(self):
        big = self._order(8)
        big.with_user(self.rep_a).action_submit_contract()
        big.with_user(self.manager).action_reject_contract("Too many")
        self.assertEqual(big.contract_stage, "rejected")
        groups = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .formatted_read_group([("is_contract", "=", True)], ["contract_stage"], ["__count"])
        )
        self.assertEqual([(g["contract_stage"], g["__count"]) for g in groups], [("rejected", 1)])

    def test_orders_of_other_partners_are_not_contracts(self):
        shop_buyer = self.env["res.partner"].create({"name": "Walk-in Buyer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": shop_buyer.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 9})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale", "no contract approval for a partner nobody manages")
        self.assertFalse(order.is_contract)

    def test_a_contract_is_made_directly_from_a_customer_or_a_project(self):
        for action in (
            self.as_user(self.customer, self.rep_a).action_new_contract(),
            self.env["crm.lead"]
            .with_user(self.rep_a)
            .create(
                {
                    "name": "Direct Contract Project",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                }
            )
            .action_new_contract(),
        ):
            with self.subTest(action=action["name"]):
                form = Form(
                    self.env["sale.order"].with_user(self.rep_a).with_context(**action["context"])
                )
                with form.order_line.new() as line:
                    line.product_id = self.product
                contract = form.save()
                self.assertEqual(
                    (contract.is_contract, contract.contract_stage, contract.partner_id),
                    (True, "draft", self.customer),
                )
        context = safe_eval(self.contracts.context, {"uid": self.rep_a.id})
        made_here = Form(self.env["sale.order"].with_user(self.rep_a).with_context(**context))
        made_here.partner_id = self.customer
        self.assertTrue(made_here.save().is_contract, "New in Contracts makes a contract")

    def test_renewal_copies_the_contract_as_a_draft(self):
        order = self._order(4)
        self._execute(order, 400)
        action = order.with_user(self.rep_a).action_renew_contract()
        renewal = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(
            (renewal.state, renewal.is_contract, renewal.renewed_from_id, renewal.contract_state),
            ("draft", True, order, "none"),
        )
        self.assertEqual(renewal.order_line.product_uom_qty, 4)
        quotation = self._order(1)
        with self.assertRaisesRegex(UserError, "not a confirmed contract"):
            quotation.with_user(self.rep_a).action_renew_contract()

    def test_nothing_goes_to_the_customer_before_the_approval(self):
        big = self._order(8)
        as_rep = big.with_user(self.rep_a)
        for leave in (
            as_rep.action_quotation_send,
            as_rep.action_export_xlsx,
            as_rep.action_quotation_sent,
        ):
            with (
                self.subTest(path=leave.__name__),
                self.assertRaisesRegex(
                    UserError, "contract approved before it goes to the customer"
                ),
            ):
                leave()
        self.assertEqual(big.state, "draft")
        big.require_signature = True
        self.assertFalse(big._has_to_be_signed(), "no signature on the portal either")
        as_rep.action_submit_contract()
        big.with_user(self.manager).action_approve_contract()
        as_rep.action_export_xlsx()
        as_rep.action_quotation_sent()
        self.assertEqual(big.state, "sent")

    def test_a_confirmed_contract_changes_through_a_manager(self):
        order = self._order(4)
        self._execute(order, 400)
        line = order.order_line.with_user(self.rep_a)
        for change in ({"product_uom_qty": 1000}, {"discount": 50}, {"price_unit": 1}):
            with (
                self.subTest(change=change),
                self.assertRaisesRegex(UserError, "confirmed contract"),
            ):
                line.write(change)
        with self.assertRaisesRegex(UserError, "confirmed contract"):
            self.env["sale.order.line"].with_user(self.rep_a).create(
                {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": 5}
            )
        line.write({"name": "Better described"})  # not what it sells
        order.order_line.with_user(self.manager).write({"discount": 5})
        self.assertEqual(order.order_line.discount, 5)

    def test_no_line_moves_and_no_other_customer_once_confirmed(self):
        first, second = self._order(1), self._order(2)
        with self.assertRaisesRegex(UserError, "stays on its order"):
            first.order_line.with_user(self.rep_a).write({"order_id": second.id})
        walk_in = self.env["res.partner"].create({"name": "Walk-in Buyer"})
        shop = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": walk_in.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 9})
                    ],
                }
            )
        )
        shop.with_user(self.rep_a).action_confirm()
        with self.assertRaisesRegex(UserError, "customer of a confirmed order"):
            shop.with_user(self.rep_a).write({"partner_id": self.customer.id})

    def test_no_payment_link_or_online_payment_before_the_approval(self):
        big = self._order(8)
        with self.assertRaisesRegex(UserError, "contract approved before it goes to the customer"):
            self.env["payment.link.wizard"].with_user(self.rep_a).create(
                {"res_model": "sale.order", "res_id": big.id, "amount": 800}
            )
        provider = self.env["payment.provider"].search([], limit=1)
        method = self.env["payment.method"].with_context(active_test=False).search([], limit=1)
        with self.assertRaisesRegex(UserError, "cannot be paid online yet"):
            self.env["payment.transaction"].sudo().create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "amount": 800,
                    "currency_id": big.currency_id.id,
                    "partner_id": self.customer.id,
                    "sale_order_ids": [Command.set(big.ids)],
                }
            )

    def test_a_confirmed_contract_is_cancelled_by_a_manager(self):
        order = self._order(2)
        self._execute(order, 200)
        with self.assertRaisesRegex(UserError, "a sales manager cancels it"):
            order.with_user(self.rep_a).action_cancel()
        for field, value in (
            ("partner_shipping_id", self.env["res.partner"].create({"name": "Elsewhere"}).id),
            ("is_contract", False),
        ):
            with self.subTest(field=field), self.assertRaisesRegex(UserError, "confirmed contract"):
                order.with_user(self.rep_a).write({field: value})
        self.assertEqual(order.state, "sale")
        line = order.order_line.with_user(self.rep_a)
        for change in ({"is_downpayment": True}, {"purchase_price": 1}, {"qty_delivered": 100}):
            with self.subTest(change=change), self.assertRaises(UserError):
                line.write(change)
        with self.assertRaisesRegex(UserError, "confirmed contract"):
            self.env["sale.order.line"].with_user(self.rep_a).create(
                {
                    "order_id": order.id,
                    "product_id": self.product.id,
                    "is_downpayment": True,
                    "price_unit": -5000,
                }
            )
