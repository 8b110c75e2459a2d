from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ContractCase


@tagged("post_install", "-at_install")
class TestContractReturn(ContractCase):
    def _executed_order(self, qty=4, paid=400):
        order = self._order(qty)
        self._execute(order, paid)
        return order

    def _return(self, order, qty, user=None):
        user = user or self.rep_a
        action = order.with_user(user).action_new_return()
        record = (
            self.env["sale.order.return"]
            .with_user(user)
            .with_context(**action["context"])
            .create(
                {
                    "reason": "Damaged in transport",
                }
            )
        )
        record.line_ids.quantity = qty
        return record

    def test_approved_return_takes_back_credits_and_refunds(self):
        order = self._executed_order()
        margin = order.margin
        record = self._return(order, 2)
        record.with_user(self.rep_a).action_submit()
        with self.assertRaisesRegex(AccessError, "request of your own"):
            record.with_user(self.rep_a).action_approve()
        record.with_user(self.manager).action_approve()
        self.assertEqual(record.decided_by_id, self.manager)
        self.assertTrue(record.decided_on, "when it was decided")
        record.with_user(self.rep_a).action_process()
        self.assertEqual(record.state, "done")
        self.assertEqual(record.picking_ids.state, "done")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.product, self.stock), 8
        )
        self.assertEqual(
            (record.credit_note_id.move_type, record.credit_note_id.state), ("out_refund", "posted")
        )
        self.assertEqual(record.credit_note_id.amount_total, 200)
        self.assertIn(record.credit_note_id.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.margin_after_returns, margin / 2)

    def test_cannot_return_more_than_delivered_minus_returned(self):
        order = self._executed_order()
        with self.assertRaisesRegex(ValidationError, "At most 4"):
            self._return(order, 5)
        first = self._return(order, 3)
        first.with_user(self.rep_a).action_submit()
        with self.assertRaisesRegex(ValidationError, "At most 1"):
            self._return(order, 2)

    def test_rejection_is_logged_and_changes_nothing(self):
        order = self._executed_order()
        record = self._return(order, 1)
        record.with_user(self.rep_a).action_submit()
        with self.assertRaisesRegex(UserError, "Say why"):
            record.with_user(self.manager).action_reject(" ")
        record.with_user(self.manager).action_reject("Not our fault")
        self.assertEqual(record.state, "rejected")
        self.assertEqual((record.decided_by_id, bool(record.decided_on)), (self.manager, True))
        self.assertIn("Not our fault", record.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "must be approved"):
            record.with_user(self.rep_a).action_process()
        self.assertFalse(record.picking_ids)
        self.assertFalse(record.credit_note_id)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.product, self.stock), 6
        )

    def test_submitter_cannot_decide(self):
        order = self._executed_order()
        record = self._return(order, 1, user=self.manager)
        record.with_user(self.manager).action_submit()
        with self.assertRaisesRegex(AccessError, "request of your own"):
            record.with_user(self.manager).action_approve()
        self.assertEqual(record.state, "pending")

    def test_other_reps_do_not_see_returns(self):
        order = self._executed_order()
        record = self._return(order, 1)
        action = order.with_user(self.rep_a).action_view_returns()
        self.assertEqual(self.env["sale.order.return"].search(action["domain"]), record)
        self.assertEqual(order.return_count, 1)
        self.assertFalse(
            self.as_user(self.env["sale.order.return"], self.rep_b).search([("id", "=", record.id)])
        )

    def _processed_return(self, order, qty):
        record = self._return(order, qty)
        record.with_user(self.rep_a).action_submit()
        record.with_user(self.manager).action_approve()
        record.with_user(self.rep_a).action_process()
        return record

    def _refunded(self, record):
        """Money paid back to the customer for this return."""
        return sum(record.credit_note_id.matched_payment_ids.mapped("amount"))

    def test_a_return_first_reduces_what_is_still_owed(self):
        """Unpaid, half-paid and fully paid contracts of 400 (4 × 100), partial returns: the
        credit settles the open invoice first; only what was paid beyond is refunded."""
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 20)
        for paid, qty, refunded, still_due in (
            (0, 1, 0, 300),  # unpaid: owes 300 for the 3 kept
            (200, 1, 0, 100),  # half paid: owes 100 more for the 3 kept
            (200, 3, 100, 0),  # half paid, keeps 1 (100): 100 comes back
            (400, 2, 200, 0),  # fully paid: the 2 returned come back
        ):
            with self.subTest(paid=paid, returned=qty):
                order = self._executed_order(paid=paid)
                record = self._processed_return(order, qty)
                self.assertEqual(self._refunded(record), refunded)
                self.assertEqual(order.amount_still_due, still_due)
                self.assertEqual(order.amount_received, paid - refunded)

    def test_two_returns_of_one_contract(self):
        order = self._executed_order(paid=200)
        first = self._processed_return(order, 1)  # owes 100 more
        self.assertEqual((self._refunded(first), order.amount_still_due), (0, 100))
        second = self._processed_return(order, 2)  # keeps 1 (100), paid 200: 100 back
        self.assertEqual((self._refunded(second), order.amount_still_due), (100, 0))
        self.assertEqual(order.amount_received, 100)

    def test_a_submitted_return_takes_back_what_was_approved(self):
        order = self._executed_order()
        record = self._return(order, 1)
        record.with_user(self.rep_a).action_submit()
        record.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "no longer changes"):
            record.line_ids.with_user(self.rep_a).write({"quantity": 3})
        other = self._executed_order()
        with self.assertRaisesRegex(UserError, "no longer changes"):
            record.with_user(self.rep_a).write({"order_id": other.id})
        with self.assertRaisesRegex(UserError, "comes from its deliveries"):
            order.order_line.with_user(self.rep_a).write({"qty_delivered": 100})
        record.with_user(self.rep_a).action_process()
        self.assertEqual(record.credit_note_id.amount_total, 100)
