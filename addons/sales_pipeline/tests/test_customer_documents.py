from odoo.exceptions import MissingError
from odoo.tests import new_test_user, tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerDocuments(SalesPipelineCase):
    """Orders, order lines, invoices and the sales analysis of a protected customer are hidden
    from the reps who cannot read it, including the documents Odoo shows every rep (no
    salesperson) and grouped reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_b.group_ids |= cls.env.ref("account.group_account_invoice")
        cls.product = cls.env["product.product"].create(
            {
                "name": "Secret Widget",
                "list_price": 777,
                "type": "service",
                "invoice_policy": "order",
            }
        )
        cls.secret = cls.make_customer("Secret Docs Corp", owner=cls.rep_a)
        # rep B's order from before the customer was protected, and one nobody owns
        cls.order_of_b = cls._confirmed_order(cls.rep_b)
        cls.unassigned = cls._confirmed_order(cls.env["res.users"])
        cls.invoice = cls.unassigned._create_invoices()
        cls.invoice.action_post()
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice.ids
        ).create({})._create_payments()
        cls.secret.action_protect()
        cls.documents = {
            "sale.order": cls.order_of_b | cls.unassigned,
            "sale.order.line": (cls.order_of_b | cls.unassigned).order_line,
            "account.move": cls.invoice,
            "account.move.line": cls.invoice.line_ids.filtered("partner_id"),
            "account.partial.reconcile": cls.invoice.line_ids.matched_credit_ids,
        }
        assert cls.documents["account.partial.reconcile"], "the invoice is paid"

    @classmethod
    def _confirmed_order(cls, user):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.secret.id,
                "user_id": user.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "price_unit": 777})],
            }
        )
        order.action_confirm()
        return order

    def test_reps_who_cannot_read_the_customer_see_none_of_its_documents(self):
        for model, records in self.documents.items():
            with self.subTest(model=model):
                Model = self.as_user(self.env[model], self.rep_b)
                self.assertFalse(Model.search([("id", "in", records.ids)]))
                self.assertEqual(self.as_user(records[:1], self.rep_b).read(["id"]), [])
                with self.assertRaisesRegex(MissingError, "does not exist"):
                    self.as_user(records[:1], self.rep_b).mapped("create_date")

    def test_grouped_reports_leave_them_out(self):
        Report = self.as_user(self.env["sale.report"], self.rep_b)
        groups = Report.formatted_read_group([], ["partner_id"], ["price_total:sum"])
        self.assertNotIn(self.secret.id, [g["partner_id"] and g["partner_id"][0] for g in groups])
        self.assertFalse(
            Report.formatted_read_group([("partner_id", "=", self.secret.id)], [], ["__count"])[0][
                "__count"
            ]
        )
        seen_by_owner = self.as_user(self.env["sale.report"], self.rep_a).formatted_read_group(
            [("partner_id", "=", self.secret.id)], [], ["__count"]
        )
        self.assertTrue(seen_by_owner[0]["__count"], "the test would pass on an empty report")

    def test_owner_and_managers_still_see_them(self):
        accountant = new_test_user(
            self.env, login="sp_accountant", groups="base.group_user,account.group_account_invoice"
        )
        for user in (self.rep_a, self.manager, accountant):
            with self.subTest(user=user.login):
                found = self.as_user(self.env["sale.order"], user).search(
                    [("id", "in", self.documents["sale.order"].ids)]
                )
                if user == self.rep_a:  # Odoo shows a rep their own and unassigned orders
                    self.assertEqual(found, self.unassigned)
                else:
                    self.assertEqual(found, self.documents["sale.order"])
        self.assertEqual(
            self.as_user(self.env["account.move"], accountant).search(
                [("id", "=", self.invoice.id)]
            ),
            self.invoice,
        )

    def test_unprotected_again_they_come_back(self):
        self.secret.action_unprotect()
        self.assertEqual(
            self.as_user(self.env["sale.order"], self.rep_b).search(
                [("id", "in", self.documents["sale.order"].ids)]
            ),
            self.order_of_b | self.unassigned,
        )
