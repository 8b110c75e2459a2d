from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import ProjectCase

HIDDEN = "Record does not exist or has been deleted"


@tagged("post_install", "-at_install")
class TestSideDoors(ProjectCase):
    """Side doors found by trying the trust promises as rep B with an RPC client, each closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.env["sale.order.discount.rule"].search([]).active = False
        cls.secret = cls.make_customer("Side Door Secret", owner=cls.rep_a, protected=True)
        cls.own = cls.make_customer("Side Door Own", owner=cls.rep_b)
        cls.product = cls.env["product.product"].create(
            {"name": "Side Pump", "list_price": 100, "is_storable": True}
        )

    def test_ids_as_strings_are_checked_like_ids(self):
        """PostgreSQL casts '73' to 73: the checks read it as the id it is."""
        as_text = str(self.secret.id)
        for model, vals in (
            ("res.partner", {"name": "Kid", "parent_id": as_text}),
            ("crm.lead", {"name": "L", "type": "lead", "user_id": False, "partner_id": as_text}),
            ("sale.order", {"partner_id": as_text}),
        ):
            with self.subTest(model=model), self.assertRaisesRegex(MissingError, HIDDEN):
                self.env[model].with_user(self.rep_b).create(vals)
        self.env["ir.config_parameter"].set_param("sales_pipeline.quote_limit_per_project", "1")
        project = self.make_project("String Limit", owner=self.rep_b, customer=self.own)
        Order = self.env["sale.order"].with_user(self.rep_b)
        Order.create({"partner_id": self.own.id, "opportunity_id": project.id})
        with self.assertRaisesRegex(UserError, "at most 1"):
            Order.create({"partner_id": self.own.id, "opportunity_id": str(project.id)})

    def test_no_hidden_customer_as_a_follower(self):
        project = self.make_project("Followed By Spies", owner=self.rep_b, customer=self.own)
        with self.assertRaisesRegex(MissingError, HIDDEN):
            project.with_user(self.rep_b).message_subscribe(partner_ids=self.secret.ids)
        self.assertNotIn(self.secret, project.message_partner_ids)

    def test_deliveries_and_returns_follow_the_customer(self):
        stock = self.env.ref("stock.warehouse0").lot_stock_id
        self.env["stock.quant"]._update_available_quantity(self.product, stock, 10)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.secret.id,
                "user_id": False,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        for records in (order.picking_ids, order.picking_ids.move_ids):
            with self.subTest(model=records._name):
                self.assertFalse(
                    self.as_user(records.browse(), self.rep_b).search([("id", "in", records.ids)])
                )
                self.assertEqual(self.as_user(records[:1], self.rep_b).read(["id"]), [])

    def test_expired_shares_are_not_read(self):
        customer = self.make_customer("Expired Share Co", owner=self.rep_a)
        self.env["res.partner.share"].create(
            {"partner_id": customer.id, "user_id": self.rep_b.id, "expires_at": "2020-01-01"}
        )
        shares = self.as_user(self.env["res.partner.share"], self.rep_b).search(
            [("partner_id", "=", customer.id)]
        )
        self.assertFalse(shares)

    def test_claim_requests_of_hidden_projects_are_not_read(self):
        pool = self.make_customer("Pool Then Protected")
        project = self.make_project("Open Then Hidden", customer=pool)
        project.with_user(self.rep_b).action_request_claim()
        pool.with_user(self.rep_a).action_claim()
        pool.with_user(self.rep_a).action_protect()
        requests = self.as_user(self.env["crm.lead.claim.request"], self.rep_b).search([])
        self.assertNotIn(project, requests.lead_id)

    def test_orders_start_as_drafts(self):
        Order = self.env["sale.order"].with_user(self.rep_b)
        with self.assertRaisesRegex(AccessError, "starts as a draft"):
            Order.create({"partner_id": self.own.id, "state": "sale"})
        with self.assertRaisesRegex(AccessError, "starts as a draft"):
            Order.with_context(default_state="sent").create({"partner_id": self.own.id})
        draft = Order.create({"partner_id": self.own.id})
        with self.assertRaisesRegex(AccessError, "starts as a draft"):
            draft.copy({"state": "sale"})

    def test_personal_defaults_set_no_guarded_field(self):
        Default = self.env["ir.default"].with_user(self.rep_b)
        Default.set("res.partner", "is_premium_customer", True, user_id=True)
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            self.env["res.partner"].with_user(self.rep_b).create(
                {"name": "Defaulted", "is_customer": True, "user_id": self.rep_b.id}
            )
        Default.set("sale.order", "contract_state", "approved", user_id=True)
        with self.assertRaisesRegex(AccessError, "change only through"):
            self.env["sale.order"].with_user(self.rep_b).create({"partner_id": self.own.id})

    def test_reps_lower_no_cost_and_give_no_premium_grade(self):
        order = (
            self.env["sale.order"]
            .with_user(self.rep_b)
            .create(
                {"partner_id": self.own.id, "order_line": [(0, 0, {"product_id": self.product.id})]}
            )
        )
        with self.assertRaisesRegex(AccessError, "Only a sales manager can change the cost"):
            order.order_line.write({"purchase_price": 55})
        order.order_line.write({"purchase_price": order.order_line.purchase_price})  # as a form
        with self.assertRaisesRegex(AccessError, "Only a sales manager can change the cost"):
            order.write(
                {"order_line": [(0, 0, {"product_id": self.product.id, "purchase_price": 0.5})]}
            )
        grade_a = self.env.ref("sales_pipeline.res_partner_value_grade_a")
        with self.assertRaisesRegex(AccessError, "premium value grade"):
            self.as_user(self.own, self.rep_b).write({"value_grade_id": grade_a.id})
        self.assertNotEqual(self.own.customer_tier, "premium")

    def test_no_sending_past_the_discount_approval(self):
        self.env["sale.order.discount.rule"].create(
            {"tier": "new", "default_discount": 0, "max_discount": 5}
        )
        order = (
            self.env["sale.order"]
            .with_user(self.rep_b)
            .create(
                {
                    "partner_id": self.own.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "discount": 50})],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "a sales manager must approve"):
            order.action_quotation_sent()
        with self.assertRaisesRegex(UserError, "a sales manager must approve"):
            order.with_context(mark_so_as_sent=True).message_post(
                body="here", message_type="comment"
            )
        self.assertEqual(order.state, "draft")

    def test_no_skipping_steps_by_leaving_the_process(self):
        template = self.make_process_template(
            "Three Steps", ("Visit", {"need_followup": True}), "Offer", "Contract"
        )
        project = self.make_project(
            "Stepper", owner=self.rep_b, customer=self.own, process_template_id=template.id
        )
        mine = self.as_user(project, self.rep_b)
        mine.write({"process_step_id": False})
        with self.assertRaisesRegex(UserError, "enters the process"):
            mine.write({"process_step_id": template.step_ids[2].id})
        self.assertFalse(project.process_step_id)

    def test_no_contact_set_loose_as_a_customer(self):
        contact = self.env["res.partner"].create({"name": "Loose", "parent_id": self.own.id})
        with self.assertRaisesRegex(UserError, "only a sales manager can detach"):
            self.as_user(contact, self.rep_b).write({"parent_id": False, "user_id": False})
        self.assertEqual(contact.parent_id, self.own)

    def test_no_customer_put_under_another_out_of_the_quota(self):
        """Under another company a customer would follow it: out of its owner's quota and of the
        recall. A rep at the quota could nest a customer to claim one more."""
        self.set_pool_settings(max_claimed=2)
        second = self.make_customer("Side Door Second", owner=self.rep_b)
        for parent_id in (self.own.id, str(self.own.id)):
            with self.assertRaisesRegex(UserError, "only a sales manager can put it under"):
                self.as_user(second, self.rep_b).write({"parent_id": parent_id})
        for value in ([second.id], (second.id,), second):  # Odoo reads these as Command.set
            with self.assertRaisesRegex(UserError, "only a sales manager can put it under"):
                self.as_user(self.own, self.rep_b).write({"child_ids": value})
        for command in (Command.link(second.id), Command.set([second.id]), (4, str(second.id))):
            with self.assertRaisesRegex(UserError, "only a sales manager can put it under"):
                self.as_user(self.own, self.rep_b).write({"child_ids": [command]})
            with self.assertRaisesRegex(UserError, "only a sales manager can put it under"):
                self.Partner.with_user(self.rep_b).create(
                    {"name": "Holder", "child_ids": [command]}
                )
        self.assertFalse(second.parent_id)
        with self.assertRaisesRegex(UserError, "at most 2"):
            self.as_user(self.make_customer("Side Door Third"), self.rep_b).action_claim()
        contact = self.env["res.partner"].create({"name": "Mover", "parent_id": self.own.id})
        self.as_user(contact, self.rep_b).write({"parent_id": second.id})  # contacts may move
        self.assertEqual(contact.parent_id, second)
        self.as_user(second, self.manager).write({"parent_id": self.own.id})
        self.assertEqual(second.parent_id, self.own)

    def test_reading_a_hidden_record_answers_as_reading_a_missing_one(self):
        missing = self.Partner.browse(self.Partner.search([], order="id desc", limit=1).id + 1000)
        for records in (self.secret, missing):
            with self.subTest(record=records):
                as_b = self.as_user(records, self.rep_b)
                self.assertEqual(as_b.read(["name", "email"]), [])
                self.assertEqual(as_b.web_read({"name": {}, "email": {}}), [])
                with self.assertRaisesRegex(MissingError, HIDDEN):
                    as_b.message_post(body="Knock knock")
        both = self.as_user(self.secret | self.own, self.rep_b)
        self.assertEqual([values["id"] for values in both.read(["name"])], [self.own.id])
        self.assertEqual([values["id"] for values in both.web_read({"name": {}})], [self.own.id])
        self.assertFalse(self.secret.message_ids.filtered(lambda m: "Knock" in str(m.body)))

    def test_a_link_made_before_the_customer_was_hidden_shows_its_name_only(self):
        self.secret.write({"email": "spy@secret.example", "city": "Hidden City", "vat": "CN-42"})
        self.own.write({"email": "buyer@own.example", "city": "Open City"})
        upload = self.env["res.partner.import"].create(
            {"file": b"UEsDBA==", "filename": "old.xlsx", "user_id": self.rep_b.id}
        )
        lines = self.env["res.partner.import.line"].create(
            [
                {"import_id": upload.id, "row": row, "action": "refused", "partner_id": partner.id}
                for row, partner in ((2, self.secret), (3, self.own))
            ]
        )
        shown = {
            values["partner_id"]["id"]: values["partner_id"]["display_name"]
            for values in self.as_user(lines, self.rep_b).web_read(
                {
                    "partner_id": {
                        "fields": {"display_name": {}},
                        "context": {"show_address": True, "show_email": True, "show_vat": True},
                    }
                }
            )
        }
        self.assertEqual(shown[self.secret.id], "Side Door Secret")
        self.assertIn("buyer@own.example", shown[self.own.id], "a readable customer shows all")
        self.assertIn("Open City", shown[self.own.id])
        with self.assertRaisesRegex(MissingError, HIDDEN):  # its fields, as before: no
            self.as_user(lines[:1], self.rep_b).web_read({"partner_id": {"fields": {"email": {}}}})

    def test_every_form_of_an_id_is_checked(self):
        """A float (PostgreSQL rounds it), an onchange dict, a pair, a padded string: each names
        the hidden customer, each is refused as a missing one."""
        for value in (float(self.secret.id), {"id": self.secret.id}, [self.secret.id, "x"]):
            with self.subTest(value=value):
                for model, vals in (
                    ("crm.lead", {"name": "L", "type": "lead", "user_id": False}),
                    ("sale.order", {}),
                ):
                    with self.assertRaisesRegex(MissingError, HIDDEN):
                        self.env[model].with_user(self.rep_b).create(dict(vals, partner_id=value))
        with self.assertRaisesRegex(MissingError, HIDDEN):
            self.env["sale.order"].with_user(self.rep_b).create(
                {"partner_id": self.own.id, "partner_invoice_id": f" {self.secret.id} "}
            )
        project = self.make_project("Followed", owner=self.rep_b, customer=self.own)
        with self.assertRaisesRegex(MissingError, HIDDEN):
            project.with_user(self.rep_b).message_subscribe(partner_ids=[float(self.secret.id)])
        with self.assertRaisesRegex(MissingError, HIDDEN):
            self.env["crm.lead"].with_user(self.rep_b).onchange(
                {"partner_id": {"id": self.secret.id}}, ["partner_id"], {"partner_id": {}}
            )

    def test_no_link_to_a_hidden_project_or_order(self):
        """Not only customers: a project, an order, an invoice our rules hide is linked as a
        missing one would be, with the same answer."""
        hidden_project = self.make_project(
            "Hidden Warehouse", owner=self.rep_a, customer=self.secret
        )
        hidden_order = self.env["sale.order"].create(
            {"partner_id": self.secret.id, "user_id": self.rep_a.id}
        )
        Order = self.env["sale.order"].with_user(self.rep_b)
        Line = self.env["sale.order.line"].with_user(self.rep_b)
        for hidden in (hidden_project, hidden_project.browse(hidden_project.id + 10**6)):
            with self.subTest(project=hidden.id), self.assertRaisesRegex(MissingError, HIDDEN):
                Order.create({"partner_id": self.own.id, "opportunity_id": float(hidden.id)})
        answers = []
        for order_id in (hidden_order.id, hidden_order.id + 10**6):
            with self.assertRaises(MissingError) as caught:
                Line.create({"order_id": order_id, "product_id": self.product.id})
            answers.append(str(caught.exception).replace(str(order_id), "ID"))
        self.assertEqual(answers[0], answers[1], "a hidden order answers as a missing one")
        self.assertNotIn("Hidden Warehouse", answers[0])

    def test_a_project_id_as_a_float_counts_toward_the_limit(self):
        self.env["ir.config_parameter"].set_param("sales_pipeline.quote_limit_per_project", "1")
        project = self.make_project("Float Limit", owner=self.rep_b, customer=self.own)
        Order = self.env["sale.order"].with_user(self.rep_b)
        Order.create({"partner_id": self.own.id, "opportunity_id": project.id})
        with self.assertRaisesRegex(UserError, "at most 1"):
            Order.create({"partner_id": self.own.id, "opportunity_id": float(project.id)})

    def test_followers_of_hidden_records_are_hidden_with_them(self):
        hidden_project = self.make_project(
            "Followed Secret", owner=self.rep_a, customer=self.secret
        )
        own_project = self.make_project("Followed Own", owner=self.rep_b, customer=self.own)
        for record in (hidden_project, own_project, self.secret):
            record.message_subscribe(partner_ids=self.rep_a.partner_id.ids)
        Followers = self.env["mail.followers"].with_user(self.rep_b)
        seen = Followers.search(
            [
                ("res_model", "in", ("crm.lead", "res.partner")),
                ("res_id", "in", (hidden_project | own_project).ids + self.secret.ids),
            ]
        )
        self.assertEqual(set(seen.mapped("res_id")), {own_project.id})
        self.assertEqual(
            self.env["mail.followers"].search_count(
                [("res_id", "=", hidden_project.id), ("res_model", "=", "crm.lead")]
            ),
            1,
            "the superuser sees them all",
        )

    def test_no_duplicates_of_a_hidden_project(self):
        hidden_project = self.make_project(
            "Duplicated Secret", owner=self.rep_a, customer=self.secret
        )
        with self.assertRaisesRegex(MissingError, HIDDEN):
            hidden_project.with_user(self.rep_b).action_show_potential_duplicates()

    def test_suggested_recipients_of_a_hidden_record_as_of_a_missing_one(self):
        missing = self.Partner.browse(self.Partner.search([], order="id desc", limit=1).id + 1000)
        for record in (self.secret, missing):
            with self.subTest(record=record.id), self.assertRaisesRegex(MissingError, HIDDEN):
                record.with_user(self.rep_b)._partner_find_from_emails_single(
                    ["someone@example.com"], no_create=True
                )
