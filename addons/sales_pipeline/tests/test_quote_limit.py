import uuid

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import REP_GROUPS, SalesPipelineCase


@tagged("post_install", "-at_install")
class TestQuoteLimitAndRevisions(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Gear", "list_price": 50})
        cls.customer = cls.make_customer("Limit Customer", owner=cls.rep_a)
        cls.project = cls.env["crm.lead"].create(
            {
                "name": "Limited Project",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.rep_a.id,
            }
        )
        cls.set_limits(project=2, customer=2)

    @classmethod
    def set_limits(cls, project=0, customer=0):
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("sales_pipeline.quote_limit_per_project", str(project))
        params.set_param("sales_pipeline.quote_limit_per_customer", str(customer))

    def _quote(self, project=None, user=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": project.id if project else False,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                }
            )
        )

    def test_project_limit_reached_gives_a_clear_error(self):
        self._quote(self.project)
        self._quote(self.project)
        with self.assertRaisesRegex(UserError, "Limited Project may have at most 2 quotations"):
            self._quote(self.project)
        self.assertEqual(
            self.env["sale.order"].search_count([("opportunity_id", "=", self.project.id)]), 2
        )

    def test_customer_limit_counts_every_quotation_of_the_customer(self):
        """A project is no way round the customer's limit."""
        self.set_limits(project=5, customer=2)
        self._quote()
        self._quote(self.project)
        for project in (None, self.project):
            with self.assertRaisesRegex(UserError, "Limit Customer may have at most 2"):
                self._quote(project)

    def test_attaching_quotations_counts_like_making_them(self):
        """Writing the project or the customer onto existing quotations obeys the limits too."""
        self.set_limits(project=1, customer=0)
        self._quote(self.project)
        loose = self._quote()
        with self.assertRaisesRegex(UserError, "Limited Project may have at most 1"):
            loose.with_user(self.rep_a).write({"opportunity_id": self.project.id})
        self.assertFalse(loose.opportunity_id)
        self.set_limits(project=0, customer=1)
        other = self.make_customer("Other Limit Customer", owner=self.rep_a)
        elsewhere = self.env["sale.order"].with_user(self.rep_a).create({"partner_id": other.id})
        with self.assertRaisesRegex(UserError, "Limit Customer may have at most 1"):
            elsewhere.with_user(self.rep_a).write({"partner_id": self.customer.id})
        self.assertEqual(elsewhere.partner_id, other)

    def test_a_partner_with_quotations_joining_the_customer_counts(self):
        """Quotations made for a loose partner, which then becomes the customer's contact,
        count toward the customer's limit."""
        self.set_limits(customer=2)
        self._quote()
        loose = self.env["res.partner"].with_user(self.rep_a).create({"name": "Loose Buyer"})
        for _ in range(2):
            self.env["sale.order"].with_user(self.rep_a).create({"partner_id": loose.id})
        with self.assertRaisesRegex(UserError, "Limit Customer may have at most 2"):
            loose.with_user(self.rep_a).write({"parent_id": self.customer.id})
        self.assertFalse(loose.parent_id)

    def test_zero_means_no_limit(self):
        self.set_limits(project=0, customer=0)
        for _ in range(4):
            self._quote(self.project)
        self.assertEqual(
            self.env["sale.order"].search_count([("opportunity_id", "=", self.project.id)]), 4
        )

    def test_revision_numbering_links_and_read_only(self):
        self.set_limits(project=5)
        first = self._quote(self.project)
        action = first.with_user(self.rep_a).action_revise()
        second = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(second.name, f"{first.name}-R2")
        self.assertEqual(
            (second.revision_root_id, second.previous_revision_id, second.revision_number),
            (first, first, 2),
        )
        self.assertTrue(first.is_superseded)
        self.assertEqual(first.state, "draft", "revising does not cancel")
        third = self.env["sale.order"].browse(
            second.with_user(self.rep_a).action_revise()["res_id"]
        )
        self.assertEqual(third.name, f"{first.name}-R3")
        self.assertEqual(first.revision_ids, second | third)
        with self.assertRaisesRegex(UserError, "read-only"):
            first.with_user(self.rep_a).write({"note": "changed"})
        with self.assertRaisesRegex(UserError, "read-only"):
            first.order_line.with_user(self.rep_a).write({"product_uom_qty": 3})
        with self.assertRaisesRegex(UserError, "latest revision"):
            first.with_user(self.rep_a).action_revise()

    def test_revisions_count_toward_the_limit(self):
        first = self._quote(self.project)
        second = self.env["sale.order"].browse(first.action_revise()["res_id"])
        with self.assertRaisesRegex(UserError, "at most 2"):
            second.action_revise()
        self.assertFalse(second.is_superseded)

    def test_confirming_a_revision_cancels_its_open_siblings(self):
        self.set_limits(project=5)
        first = self._quote(self.project)
        second = self.env["sale.order"].browse(first.action_revise()["res_id"])
        third = self.env["sale.order"].browse(second.action_revise()["res_id"])
        other = self._quote(self.project)
        second.with_user(self.rep_a).action_confirm()
        self.assertEqual((first.state, second.state, third.state), ("cancel", "sale", "cancel"))
        self.assertEqual(other.state, "draft", "another quotation of the project is no sibling")
        self.assertFalse(second.is_superseded, "the accepted revision is the one that counts")


@tagged("post_install", "-at_install")
class TestQuoteLimitConcurrency(TransactionCase):
    """Two users create the last allowed quotation of a project at once, on two
    real connections: one gets it, the other a clear error, never both."""

    def setUp(self):
        super().setUp()
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param("sales_pipeline.quote_limit_per_project", "1")
            self.rep_ids = [
                new_test_user(env, login=f"quote_race_{n}_{suffix}", groups=REP_GROUPS).id
                for n in (1, 2)
            ]
            customer = env["res.partner"].create(
                {"name": f"Race Quote {suffix}", "is_customer": True}
            )
            self.customer_id = customer.id
            self.product_id = env["product.product"].create({"name": f"Race Product {suffix}"}).id
            self.project_id = (
                env["crm.lead"]
                .create(
                    {
                        "name": f"Race Project {suffix}",
                        "type": "opportunity",
                        "partner_id": customer.id,
                    }
                )
                .id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param("sales_pipeline.quote_limit_per_project", "0")
            orders = env["sale.order"].search([("opportunity_id", "=", self.project_id)])
            orders._action_cancel()
            orders.unlink()
            env["crm.lead"].browse(self.project_id).unlink()
            env["product.product"].browse(self.product_id).unlink()
            users = env["res.users"].browse(self.rep_ids)
            partners = users.partner_id | env["res.partner"].browse(self.customer_id)
            users.unlink()
            partners.unlink()

    def _create_quote(self, cr, user_id):
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        return env["sale.order"].create(
            {
                "partner_id": self.customer_id,
                "opportunity_id": self.project_id,
                "user_id": user_id,
                "order_line": [(0, 0, {"product_id": self.product_id})],
            }
        )

    def test_two_users_at_the_limit_never_exceed_it(self):
        with self.registry.cursor() as cr_1, self.registry.cursor() as cr_2:
            cr_2.execute("SELECT 1")  # both transactions have started
            self._create_quote(cr_1, self.rep_ids[0])  # not committed yet
            with self.assertRaisesRegex(UserError, "being made at this very moment"):
                self._create_quote(cr_2, self.rep_ids[1])
            cr_1.commit()
            with self.assertRaisesRegex(UserError, "being made at this very moment"):
                self._create_quote(cr_2, self.rep_ids[1])
            cr_2.rollback()
            with self.assertRaisesRegex(UserError, "at most 1 quotations"):
                self._create_quote(cr_2, self.rep_ids[1])
            cr_2.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            self.assertEqual(
                env["sale.order"].search_count([("opportunity_id", "=", self.project_id)]), 1
            )
