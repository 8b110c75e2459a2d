from freezegun import freeze_time

from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.tests import Form, tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerFollowup(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Followed Ltd", owner=cls.rep_a, mobile="13900000001")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Zhao Min", "parent_id": cls.customer.id}
        )
        cls.phone_method = cls.env.ref("sales_pipeline.res_partner_followup_method_phone")

    def _followup(self, user, customer=None, **vals):
        return (
            self.env["res.partner.followup"]
            .with_user(user)
            .create(
                {
                    "partner_id": (customer or self.customer).id,
                    "content": "<p>Talked about prices.</p>",
                    **vals,
                }
            )
        )

    def test_followup_updates_customer_dates(self):
        with freeze_time("2026-04-01 10:00:00"):
            followup = self._followup(
                self.rep_a, next_date="2026-04-08", method_id=self.phone_method.id
            )
        self.assertEqual(followup.user_id, self.rep_a)
        self.assertEqual(str(self.customer.last_followup_date), "2026-04-01 10:00:00")
        self.assertEqual(str(self.customer.next_followup_date), "2026-04-08")
        self.assertEqual(self.customer.followup_count, 1)

    def test_followup_restarts_recall_clock(self):
        self.set_pool_settings(recall_followup_days=10)
        with freeze_time("2026-04-01 10:00:00"):
            customer = self.make_customer("Clock Ltd")
            self.as_user(customer, self.rep_a).action_claim()
        with freeze_time("2026-04-09 10:00:00"):
            self._followup(self.rep_a, customer)
        self.assertEqual(str(customer.recall_date), "2026-04-19 10:00:00")

    def test_template_fills_placeholders(self):
        product = self.env["product.product"].create({"name": "Pump", "list_price": 1200})
        quote = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        template = self.env["res.partner.followup.template"].create(
            {
                "name": "Quote check",
                "body": "<p>{customer} / {contact} / {last_quote} / {owner} / {customer_code}</p>",
            }
        )
        form = Form(self.env["res.partner.followup"].with_user(self.rep_a))
        form.partner_id = self.customer
        form.template_id = template
        followup = form.save()
        self.assertIn(
            f"Followed Ltd / Zhao Min / {quote.name} / Rep A / {self.customer.customer_code}",
            followup.content,
        )

    def test_placeholder_values_are_escaped(self):
        customer = self.make_customer("<b>Bold</b> & Co", owner=self.rep_a)
        template = self.env["res.partner.followup.template"].create(
            {"name": "T", "body": "<p>{customer}</p>"}
        )
        self.assertIn("&lt;b&gt;Bold&lt;/b&gt; &amp; Co", template._render_for(customer))

    def test_unknown_placeholder_is_refused(self):
        with self.assertRaisesRegex(ValidationError, r"\{price\}"):
            self.env["res.partner.followup.template"].create(
                {"name": "Bad", "body": "<p>{price}</p>"}
            )
        self.assertFalse(self.env["res.partner.followup.template"].search([("name", "=", "Bad")]))

    def test_shipped_templates_render(self):
        for template in self.env["res.partner.followup.template"].search([]):
            with self.subTest(template=template.name):
                rendered = template._render_for(self.customer)
                self.assertNotRegex(rendered, r"\{\w+\}")
                self.assertRegex(rendered, "Followed Ltd|Zhao Min")

    def test_shared_user_adds_followups_other_rep_cannot(self):
        self.customer.share_with(self.rep_b, access="read")
        followup = self._followup(self.rep_b)
        self.assertEqual(followup.user_id, self.rep_b)
        third = self.env["res.users"].create(
            {
                "name": "Rep C",
                "login": "sp_rep_c",
                "group_ids": [(6, 0, self.rep_a.group_ids.ids)],
            }
        )
        with self.assertRaises(MissingError):
            self._followup(third)
        with self.assertRaises(AccessError):
            self.as_user(followup, third).read(["content"])
        self.assertEqual(self.customer.followup_count, 1)

    def test_pool_customer_must_be_claimed_first(self):
        pooled = self.make_customer("Pool Followup Co")
        with self.assertRaises(AccessError):
            self._followup(self.rep_a, pooled)
        self.assertFalse(pooled.followup_ids)

    def test_author_only_edits_own_followups(self):
        self.customer.share_with(self.rep_b, access="write")
        followup = self._followup(self.rep_a)
        with self.assertRaises(AccessError):
            self.as_user(followup, self.rep_b).write({"content": "<p>changed</p>"})
        self.as_user(followup, self.rep_a).write({"content": "<p>better</p>"})
        self.assertIn("better", followup.content)

    def test_followups_of_protected_customer_hidden_from_other_reps(self):
        followup = self._followup(self.rep_a)
        self.customer.action_protect()
        self.assertFalse(
            self.as_user(self.env["res.partner.followup"], self.rep_b).search(
                [("id", "=", followup.id)]
            )
        )
        self.assertTrue(
            self.as_user(self.env["res.partner.followup"], self.manager).search(
                [("id", "=", followup.id)]
            )
        )

    def test_attachments_belong_to_the_followup(self):
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.rep_a)
            .create({"name": "notes.txt", "raw": b"hello"})
        )
        followup = self._followup(self.rep_a, attachment_ids=[(6, 0, attachment.ids)])
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("res.partner.followup", followup.id)
        )
