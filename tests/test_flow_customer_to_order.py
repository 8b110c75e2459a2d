"""Cross-module flow: a clerk enters a customer for a rep, the rep quotes and
wins the order, and the customer's recall clock and visibility follow."""

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.sales_pipeline.tests.common import CLERK_GROUPS, REP_GROUPS


@tagged("post_install", "-at_install")
class TestCustomerToOrderFlow(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="flow_rep", groups=REP_GROUPS, name="Flow Rep")
        cls.other_rep = new_test_user(
            cls.env, login="flow_other", groups=REP_GROUPS, name="Flow Other"
        )
        cls.clerk = new_test_user(cls.env, login="flow_clerk", groups=CLERK_GROUPS)
        cls.product = cls.env["product.product"].create({"name": "Flow Widget", "list_price": 100})

    def test_all_modules_installed(self):
        modules = self.env["ir.module.module"].search(
            [
                ("name", "in", ("sales_pipeline", "aftersales_visit", "wechat_leads")),
            ]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 3)

    def test_clerk_entry_to_won_order(self):
        customer = (
            self.env["res.partner"]
            .with_user(self.clerk)
            .create(
                {
                    "name": "Flow Customer Ltd",
                    "is_customer": True,
                    "user_id": self.rep.id,
                }
            )
        )
        order = (
            self.env["sale.order"]
            .with_user(self.rep)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        )
        self.assertEqual(order.user_id, self.rep)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(customer.last_won_date)
        # the other rep sees neither the customer nor the order
        self.env.invalidate_all()
        self.assertFalse(
            self.env["res.partner"].with_user(self.other_rep).search([("id", "=", customer.id)])
        )
        self.assertFalse(
            self.env["sale.order"].with_user(self.other_rep).search([("id", "=", order.id)])
        )
