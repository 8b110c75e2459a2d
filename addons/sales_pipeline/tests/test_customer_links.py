import base64

from odoo.exceptions import MissingError
from odoo.tests import Form, tagged

from .common import SalesPipelineCase

HIDDEN = r"Record does not exist or has been deleted\.\n\(Record: res\.partner\(%d,\)"


@tagged("post_install", "-at_install")
class TestCustomerLinks(SalesPipelineCase):
    """Rep B cannot point any record at a customer rep B cannot read (protected by rep A), on
    any model and through any path (create, write, copy, import, onchange), and a hidden customer
    is answered like a missing one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = cls.make_customer(
            "Secret Corp", owner=cls.rep_a, protected=True, email="boss@secret.cn", city="Suzhou"
        )
        cls.hidden_contact = cls.env["res.partner"].create(
            {"name": "Ms Hidden", "parent_id": cls.secret.id, "email": "hidden@secret.cn"}
        )
        cls.own = cls.make_customer("Own Buyer", owner=cls.rep_b)
        cls.missing_id = cls.env["res.partner"].search([], order="id desc", limit=1).id + 1000

    def assertHidden(self, partner_id=None):
        return self.assertRaisesRegex(MissingError, HIDDEN % (partner_id or self.secret.id))

    def test_hidden_and_missing_customers_get_the_same_answer(self):
        Order = self.env["sale.order"].with_user(self.rep_b)
        for partner_id in (self.secret.id, self.missing_id):
            with self.subTest(partner_id=partner_id), self.assertHidden(partner_id):
                Order.create({"partner_id": partner_id})
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.secret.id)]))

    def test_the_answer_is_odoos_own_word_for_word(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        for lang in ("en_US", "zh_CN"):
            with self.subTest(lang=lang):
                env = self.env(user=self.rep_b, context=dict(self.env.context, lang=lang))
                with self.assertRaises(MissingError) as missing:
                    _ = env["res.partner"].browse(self.missing_id).name
                with self.assertRaises(MissingError) as hidden:
                    env["sale.order"].create({"partner_id": self.secret.id})
                with self.assertRaises(MissingError) as read:
                    _ = env["res.partner"].browse(self.secret.id).name
                expected = str(missing.exception).replace(str(self.missing_id), "ID")
                for answer in (hidden, read):
                    self.assertEqual(
                        str(answer.exception).replace(str(self.secret.id), "ID"), expected
                    )

    def test_no_order_lead_or_contact_of_a_hidden_customer(self):
        for model, vals in (
            ("sale.order", {"partner_id": self.hidden_contact.id}),
            ("crm.lead", {"name": "Peek", "type": "opportunity", "partner_id": self.secret.id}),
            (
                "crm.lead",
                {"name": "Peek", "type": "lead", "user_id": False, "partner_id": self.secret.id},
            ),
            ("res.partner", {"name": "My Spy", "parent_id": self.secret.id}),
            ("res.partner.followup", {"partner_id": self.secret.id, "content": "<p>x</p>"}),
        ):
            partner_id = vals.get("partner_id") or vals.get("parent_id")
            with self.subTest(model=model), self.assertHidden(partner_id):
                self.env[model].with_user(self.rep_b).create(vals)

    def test_no_relinking_an_own_record(self):
        order = self.env["sale.order"].with_user(self.rep_b).create({"partner_id": self.own.id})
        for vals in (
            {"partner_id": self.secret.id},
            {"partner_invoice_id": self.hidden_contact.id},
            {"partner_shipping_id": self.hidden_contact.id},
        ):
            partner_id = next(iter(vals.values()))
            with self.subTest(vals=vals), self.assertHidden(partner_id):
                order.write(vals)
        with self.assertHidden():
            order.copy({"partner_id": self.secret.id})
        self.assertEqual(order.partner_id, self.own)

    def test_no_linking_through_an_import(self):
        result = (
            self.env["sale.order"]
            .with_user(self.rep_b)
            .load(["name", "partner_id/.id"], [["Q-LEAK", str(self.secret.id)]])
        )
        self.assertFalse(result["ids"])
        self.assertIn("Record does not exist", str(result["messages"]))
        self.assertFalse(self.env["sale.order"].search([("name", "=", "Q-LEAK")]))

    def test_no_linking_an_import_line(self):
        batch = (
            self.env["res.partner.import"]
            .with_user(self.rep_b)
            .create({"file": base64.b64encode(b"x"), "filename": "x.xlsx"})
        )
        line = (
            self.env["res.partner.import.line"]
            .create({"import_id": batch.id, "row": 2, "name": "x", "action": "update"})
            .with_user(self.rep_b)
        )
        with self.assertHidden():
            line.write({"partner_id": self.secret.id})
        self.assertFalse(line.partner_id)

    def test_onchange_gives_nothing_of_a_hidden_customer(self):
        spec = {"partner_id": {}, "email_from": {}, "phone": {}, "street": {}, "city": {}}
        with self.assertHidden():
            self.env["crm.lead"].with_user(self.rep_b).onchange(
                {"partner_id": self.secret.id, "type": "opportunity"}, ["partner_id"], spec
            )
        order_spec = {"partner_id": {}, "partner_invoice_id": {}, "partner_shipping_id": {}}
        with self.assertHidden(self.hidden_contact.id):
            self.env["sale.order"].with_user(self.rep_b).onchange(
                {"partner_id": self.hidden_contact.id}, ["partner_id"], order_spec
            )
        with self.assertHidden():
            self.env["sale.order"].with_user(self.rep_b).with_context(
                default_partner_id=self.secret.id
            ).onchange({}, [], order_spec)

    def test_no_hidden_customer_through_a_personal_default(self):
        self.env["ir.default"].with_user(self.rep_b).set(
            "sale.order", "partner_id", self.secret.id, user_id=True
        )
        Order = self.env["sale.order"].with_user(self.rep_b)
        with self.assertHidden():
            Order.create({})
        with self.assertHidden():
            Order.onchange({}, [], {"partner_id": {}, "partner_invoice_id": {}})
        order = Order.create({"partner_id": self.own.id})  # a partner given wins, as in Odoo
        self.assertEqual(order.partner_id, self.own)

    def test_onchange_of_an_existing_record_keeps_working(self):
        order = self.env["sale.order"].with_user(self.rep_b).create({"partner_id": self.own.id})
        form = Form(order)
        form.client_order_ref = "PO-1"
        form.save()
        self.assertEqual(order.client_order_ref, "PO-1")

    def test_the_owner_and_managers_link_as_before(self):
        for user in (self.rep_a, self.manager):
            with self.subTest(user=user.name):
                order = (
                    self.env["sale.order"].with_user(user).create({"partner_id": self.secret.id})
                )
                self.assertEqual(order.partner_invoice_id, self.secret)
        form = Form(self.env["crm.lead"].with_user(self.rep_a))
        form.name = "Secret Deal"
        form.partner_id = self.secret
        self.assertEqual(form.email_from, "boss@secret.cn")

    def test_partners_nobody_manages_and_pool_customers_link_freely(self):
        plain = self.env["res.partner"].create({"name": "Any Supplier"})
        pool = self.make_customer("Pool Buyer Co")
        for partner in (plain, pool):
            with self.subTest(partner=partner.name):
                order = (
                    self.env["sale.order"].with_user(self.rep_b).create({"partner_id": partner.id})
                )
                self.assertEqual(order.partner_id, partner)
