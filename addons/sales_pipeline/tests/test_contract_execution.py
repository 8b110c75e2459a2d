from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ContractCase


@tagged("post_install", "-at_install")
class TestContractExecution(ContractCase):
    def test_stock_on_hand_is_paid_delivered_and_invoiced_in_one_step(self):
        order = self._order(4)
        self._execute(order, 400)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 4)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 400)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual((order.amount_received, order.amount_still_due), (400, 0))
        self.assertTrue(order.contract_executed_on)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.product, self.stock), 6
        )
        self.assertEqual(order.margin, 160)

    def test_odoo_amount_paid_keeps_its_meaning(self):
        """Odoo's amount_paid (online payment transactions) is not ours to redefine: executing a
        contract fills our amount_received, and amount_paid stays Odoo's field."""
        self.assertNotIn("sales_pipeline", self.env["sale.order"]._fields["amount_paid"]._modules)
        order = self._order(2)
        self._execute(order, 200)
        self.assertEqual((order.amount_received, order.amount_paid), (200, 0))

    def test_partial_payment(self):
        order = self._order(2)
        self._execute(order, 50)
        self.assertEqual((order.amount_received, order.amount_still_due), (50, 150))
        self.assertEqual(order.invoice_ids.payment_state, "partial")

    def test_short_stock_changes_nothing_and_says_what_is_missing(self):
        order = self._order(15)
        with self.assertRaisesRegex(UserError, r"Stocked Widget \(10 of 15\)"):
            self._execute(order, 1500)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.invoice_ids)
        self.assertFalse(order.picking_ids)
        self.assertFalse(
            self.env["account.payment"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.product, self.stock), 10
        )

    def test_partial_delivery_with_backorder_when_chosen(self):
        order = self._order(15)
        self._execute(order, 0, partial=True)
        done = order.picking_ids.filtered(lambda p: p.state == "done")
        backorder = order.picking_ids - done
        self.assertEqual(done.move_ids.quantity, 10)
        self.assertEqual(backorder.move_ids.product_uom_qty, 5)
        self.assertEqual(
            order.invoice_ids.amount_total, 1500, "invoiced as ordered (invoice policy)"
        )

    def test_executes_once(self):
        order = self._order(1)
        self._execute(order, 100)
        with self.assertRaisesRegex(UserError, "already been executed"):
            self._execute(order, 100)
        self.assertEqual(len(order.invoice_ids), 1)

    def test_needs_an_approved_contract(self):
        self.env["sale.order.approval.rule"].create(
            {
                "name": "Everything",
                "min_amount": 1,
                "level_ids": [(0, 0, {"approver_type": "user", "user_id": self.manager.id})],
            }
        )
        order = self._order(1)
        with self.assertRaisesRegex(UserError, "needs an approved contract"):
            self._execute(order, 100)
        self.assertEqual(order.state, "draft")

    def test_only_the_salesperson_or_a_manager_executes(self):
        order = self._order(1)
        self.customer.share_with(self.rep_b, access="write")
        with self.assertRaises(AccessError):
            self._execute(order, 100, user=self.rep_b)
        self.assertEqual(order.state, "draft")
        self._execute(order, 100, user=self.manager)
        self.assertEqual(order.state, "sale")

    def test_three_step_delivery_with_lots(self):
        """Pick → pack → ship, a product tracked by lot: executed in one step all the same, and
        "not enough stock" only when there is not."""
        warehouse = self.env.ref("stock.warehouse0")
        warehouse.delivery_steps = "pick_pack_ship"
        tracked = self.env["product.product"].create(
            {
                "name": "Lot Widget",
                "is_storable": True,
                "tracking": "lot",
                "list_price": 100,
                "standard_price": 60,
                "invoice_policy": "order",
            }
        )
        for name, qty in (("LOT-A", 2), ("LOT-B", 3)):
            lot = self.env["stock.lot"].create({"name": name, "product_id": tracked.id})
            self.env["stock.quant"]._update_available_quantity(tracked, self.stock, qty, lot_id=lot)
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": tracked.id,
                                "product_uom_qty": 4,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        self._execute(order, 400)
        self.assertEqual(len(order.picking_ids), 3, "pick, pack and ship")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        shipped = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(sum(shipped.move_ids.mapped("quantity")), 4)
        self.assertTrue(shipped.move_line_ids.lot_id, "the lots go with the goods")
        self.assertEqual(order.order_line.qty_delivered, 4)
        too_many = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": tracked.id, "product_uom_qty": 2})
                    ],
                }
            )
        )
        with self.assertRaisesRegex(UserError, r"Lot Widget \(1 of 2\)"):
            self._execute(too_many, 0)
