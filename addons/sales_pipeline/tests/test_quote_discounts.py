from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestQuoteDiscounts(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.order.discount.rule"].search([]).active = False
        # discounts only: large quotes of these tests need no contract approval
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.category = cls.env["product.category"].create({"name": "Pumps"})
        cls.pump = cls.env["product.product"].create(
            {"name": "Pump", "list_price": 1000, "categ_id": cls.category.id}
        )
        cls.valve = cls.env["product.product"].create({"name": "Valve", "list_price": 100})
        Rule = cls.env["sale.order.discount.rule"]
        cls.rule_new = Rule.create({"tier": "new", "default_discount": 0, "max_discount": 5})
        cls.rule_old = Rule.create({"tier": "old", "default_discount": 3, "max_discount": 8})
        cls.rule_premium = Rule.create(
            {"tier": "premium", "default_discount": 5, "max_discount": 12}
        )
        cls.rule_old_pumps = Rule.create(
            {
                "tier": "old",
                "product_category_id": cls.category.id,
                "default_discount": 4,
                "max_discount": 10,
            }
        )
        cls.customer = cls.make_customer("Tier Customer", owner=cls.rep_a)

    def _quote(self, user=None, customer=None, discount=None, product=None):
        form = Form(self.env["sale.order"].with_user(user or self.rep_a))
        form.partner_id = customer or self.customer
        with form.order_line.new() as line:
            line.product_id = product or self.valve
            if discount is not None:
                line.discount = discount
        return form.save()

    def _confirm_an_order(self, customer):
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [(0, 0, {"product_id": self.valve.id})],
            }
        )
        order.action_confirm()

    def test_tier_new_old_premium(self):
        self.assertEqual(self.customer.customer_tier, "new")
        self._confirm_an_order(self.customer)
        self.customer.invalidate_recordset(["customer_tier"])
        self.assertEqual(self.customer.customer_tier, "old")
        self.customer.value_grade_id = self.env.ref("sales_pipeline.res_partner_value_grade_a")
        self.assertEqual(self.customer.customer_tier, "premium", "grade A is a premium grade")
        other = self.make_customer("Flagged Premium", owner=self.rep_a)
        other.is_premium_customer = True
        self.assertEqual(other.customer_tier, "premium")

    def test_only_managers_make_a_customer_premium(self):
        with self.assertRaises(UserError):
            self.as_user(self.customer, self.rep_a).write({"is_premium_customer": True})
        self.assertFalse(self.customer.is_premium_customer)
        self.as_user(self.customer, self.manager).write({"is_premium_customer": True})
        self.assertTrue(self.customer.is_premium_customer)

    def test_lines_get_the_tier_default_and_show_the_rule(self):
        quote = self._quote()
        line = quote.order_line
        self.assertEqual((line.discount_rule_id, line.discount), (self.rule_new, 0))
        self.assertEqual(quote.customer_tier, "new")
        self._confirm_an_order(self.customer)
        self.customer.invalidate_recordset(["customer_tier"])
        quote = self._quote()
        self.assertEqual(
            (quote.order_line.discount_rule_id, quote.order_line.discount), (self.rule_old, 3)
        )
        quote = self._quote(product=self.pump)
        self.assertEqual(
            (quote.order_line.discount_rule_id, quote.order_line.discount),
            (self.rule_old_pumps, 4),
            "a rule of the product's category wins",
        )

    def test_over_max_blocks_sending_and_confirming_until_a_manager_approves(self):
        quote = self._quote(discount=7)
        self.assertTrue(quote.needs_discount_approval)
        with self.assertRaisesRegex(UserError, "a sales manager must approve"):
            quote.with_user(self.rep_a).action_quotation_send()
        with self.assertRaisesRegex(UserError, "a sales manager must approve"):
            quote.with_user(self.rep_a).action_confirm()
        self.assertEqual(quote.state, "draft")
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            quote.with_user(self.rep_a).action_approve_discounts()
        quote.with_user(self.manager).action_approve_discounts()
        self.assertEqual(quote.discount_approved_by_id, self.manager)
        quote.with_user(self.rep_a).action_confirm()
        self.assertEqual(quote.state, "sale")

    def test_changing_a_discount_after_approval_needs_a_new_one(self):
        quote = self._quote(discount=7)
        quote.with_user(self.manager).action_approve_discounts()
        quote.order_line.with_user(self.rep_a).write({"discount": 9})
        self.assertFalse(quote.discount_approved_by_id)
        with self.assertRaises(UserError):
            quote.with_user(self.rep_a).action_confirm()

    def test_an_approval_covers_the_quantity_unit_and_price_it_saw(self):
        dozens = self.env.ref("uom.product_uom_dozen")
        for change in (
            {"product_uom_qty": 500},
            {"price_unit": 1.0},
            {"product_uom_id": dozens.id},
        ):
            with self.subTest(change=change):
                quote = self._quote(discount=7)
                quote.with_user(self.manager).action_approve_discounts()
                # the discount stays (a pricelist may recompute it on a new quantity)
                quote.order_line.with_user(self.rep_a).write(dict(change, discount=7))
                self.assertFalse(quote.discount_approved_by_id)
                with self.assertRaisesRegex(UserError, "a sales manager must approve"):
                    quote.with_user(self.rep_a).action_confirm()
        quote = self._quote(discount=7)
        quote.with_user(self.manager).action_approve_discounts()
        quote.order_line.with_user(self.rep_a).write({"name": "Described better"})
        self.assertEqual(quote.discount_approved_by_id, self.manager, "a description is no term")

    def test_within_max_needs_no_approval(self):
        quote = self._quote(discount=5)
        self.assertFalse(quote.needs_discount_approval)
        quote.with_user(self.rep_a).action_confirm()
        self.assertEqual(quote.state, "sale")

    def test_rule_values_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["sale.order.discount.rule"].create(
                {"tier": "new", "default_discount": 10, "max_discount": 5}
            )
        with self.assertRaises(ValidationError):
            self.env["sale.order.discount.rule"].create(
                {"tier": "new", "default_discount": 0, "max_discount": 150}
            )

    def test_new_quotation_from_customer_and_project(self):
        action = self.as_user(self.customer, self.rep_a).action_new_quotation()
        form = Form(self.env["sale.order"].with_user(self.rep_a).with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.user_id, self.rep_a)
        with form.order_line.new() as line:
            line.product_id = self.valve
        self.assertTrue(form.save())
        project = self.env["crm.lead"].create(
            {
                "name": "Quote Project",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.rep_a.id,
            }
        )
        action = project.with_user(self.rep_a).action_new_quotation()
        form = Form(self.env["sale.order"].with_user(self.rep_a).with_context(**action["context"]))
        with form.order_line.new() as line:
            line.product_id = self.valve
        quote = form.save()
        self.assertEqual((quote.opportunity_id, quote.partner_id), (project, self.customer))

    def test_rule_shown_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["sales_pipeline"], ["zh_CN"], overwrite=True
        )
        self.assertEqual(
            self.rule_premium.with_context(lang="zh_CN").display_name, "优等客户 · 所有产品"
        )
        self.assertEqual(
            self.rule_premium.with_context(lang="en_US").display_name,
            "Premium Customer · All Products",
        )

    def test_partners_nobody_manages_keep_their_prices(self):
        """Odoo's own flows sell to plain partners too: no tier, no default, no approval."""
        plain = self.env["res.partner"].create({"name": "Walk-in Buyer"})
        self._confirm_an_order(plain)
        plain.invalidate_recordset(["customer_tier"])
        self.assertFalse(plain.customer_tier)
        quote = self._quote(user=self.manager, customer=plain)
        self.assertFalse(quote.order_line.discount_rule_id)
        self.assertEqual(quote.order_line.discount, 0)
        self.assertFalse(quote.customer_tier)
        quote.order_line.discount = 20
        self.assertFalse(quote.needs_discount_approval)
        quote.with_user(self.manager).action_confirm()
        self.assertEqual(quote.state, "sale")

    def test_a_partner_becoming_a_managed_customer_gets_a_tier(self):
        plain = self.env["res.partner"].create({"name": "Soon Managed"})
        self.assertFalse(plain.customer_tier)
        plain.write({"is_customer": True, "user_id": self.rep_a.id})
        self.assertEqual(plain.customer_tier, "new")

    def test_automated_confirmation_goes_through_and_tells_the_managers(self):
        """A customer paying online confirms as superuser: not blocked, but written down."""
        quote = self._quote(discount=7)
        with self.assertRaisesRegex(UserError, "a sales manager must approve"):
            quote.with_user(self.rep_a).action_confirm()
        quote.sudo().action_confirm()
        self.assertEqual(quote.state, "sale")
        self.assertIn(
            "Confirmed automatically with discounts no manager approved: Valve 7% &gt; 5%",
            quote.message_ids[:1].body,
        )

    def test_a_rep_cannot_borrow_the_automated_path(self):
        """The superuser path is the server's own: context keys a client sends do not open it."""
        quote = self._quote(discount=7)
        for context in ({"su": True}, {"sudo": True}, {"confirming_contract": True}):
            with self.assertRaisesRegex(UserError, "a sales manager must approve"):
                quote.with_user(self.rep_a).with_context(**context).action_confirm()
        self.assertEqual(quote.state, "draft")

    def test_no_portal_signature_or_payment_before_the_approval(self):
        quote = self._quote(discount=7)
        quote.require_signature = quote.require_payment = True
        self.assertFalse(quote._has_to_be_signed(), "the customer cannot sign it yet")
        self.assertFalse(quote._has_to_be_paid())
        quote.with_user(self.manager).action_approve_discounts()
        self.assertTrue(quote._has_to_be_signed())
