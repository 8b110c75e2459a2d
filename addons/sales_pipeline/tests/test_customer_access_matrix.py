"""Who sees and changes which customer, through every way Odoo reads records.

Users: the owner, another rep, reps the customer is shared with (read, write,
expired), a manager and a clerk. Customers: the owner's own, one in the pool,
a protected one and a shared one (both shared with the three share users).
"""

from odoo import Command
from odoo.exceptions import AccessError, MissingError
from odoo.tests import new_test_user, tagged

from .common import REP_GROUPS, SalesPipelineCase

CUSTOMERS = ("own", "pooled", "protected", "shared")
USERS = ("owner", "other_rep", "shared_read", "shared_write", "expired_share", "manager", "clerk")
ALL = set(CUSTOMERS)

CAN_READ = {
    "owner": ALL,
    "other_rep": {"pooled"},
    "shared_read": {"pooled", "protected", "shared"},
    "shared_write": {"pooled", "protected", "shared"},
    "expired_share": {"pooled"},
    "manager": ALL,
    "clerk": {"pooled"},
}
CAN_WRITE = {
    "owner": {"own", "protected", "shared"},
    "other_rep": set(),
    "shared_read": set(),
    "shared_write": {"protected", "shared"},
    "expired_share": set(),
    "manager": ALL,
    "clerk": set(),
}
# Through one's own order or lead, any unprotected customer is readable; a
# protected one only by those who may read it anyway.
CAN_READ_THROUGH_OWN_DOCUMENT = {
    user: seen | {"own", "pooled", "shared"} for user, seen in CAN_READ.items()
}


@tagged("post_install", "-at_install")
class TestCustomerAccessMatrix(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "owner": cls.rep_a,
            "other_rep": cls.rep_b,
            "shared_read": new_test_user(cls.env, login="sp_shared_read", groups=REP_GROUPS),
            "shared_write": new_test_user(cls.env, login="sp_shared_write", groups=REP_GROUPS),
            "expired_share": new_test_user(cls.env, login="sp_expired", groups=REP_GROUPS),
            "manager": cls.manager,
            "clerk": cls.clerk,
        }
        export_group = cls.env.ref("base.group_allow_export")
        for user in cls.users.values():
            user.group_ids = [Command.link(export_group.id)]
        cls.customers = {
            "own": cls.make_customer("Matrix Own", owner=cls.rep_a),
            "pooled": cls.make_customer("Matrix Pooled"),
            "protected": cls.make_customer("Matrix Protected", owner=cls.rep_a, protected=True),
            "shared": cls.make_customer("Matrix Shared", owner=cls.rep_a),
        }
        for key in ("protected", "shared"):
            customer = cls.customers[key]
            customer.share_with(cls.users["shared_read"], access="read")
            customer.share_with(cls.users["shared_write"], access="write")
            customer.share_with(
                cls.users["expired_share"], access="write", expires_at=cls.days_from_now(1)
            )
            customer.share_ids.filtered(lambda s: s.user_id == cls.users["expired_share"]).write(
                {"expires_at": cls.days_from_now(-1)}
            )
        cls.all_ids = [customer.id for customer in cls.customers.values()]

    def _matrix(self):
        for user_key in USERS:
            for customer_key in CUSTOMERS:
                yield user_key, customer_key, self.users[user_key], self.customers[customer_key]

    def test_search(self):
        for user_key, customer_key, user, customer in self._matrix():
            with self.subTest(user=user_key, customer=customer_key):
                found = self.as_user(self.Partner, user).search([("id", "=", customer.id)])
                self.assertEqual(bool(found), customer_key in CAN_READ[user_key])

    def test_search_count_matches_search(self):
        for user_key, user in self.users.items():
            with self.subTest(user=user_key):
                count = self.as_user(self.Partner, user).search_count([("id", "in", self.all_ids)])
                self.assertEqual(count, len(CAN_READ[user_key]))

    def test_read(self):
        for user_key, customer_key, user, customer in self._matrix():
            with self.subTest(user=user_key, customer=customer_key):
                seen = self.as_user(customer, user)
                if customer_key in CAN_READ[user_key]:
                    self.assertEqual(seen.read(["name"])[0]["name"], customer.name)
                else:  # hidden: answered like a record that does not exist
                    self.assertEqual(seen.read(["name"]), [], "left out, as a missing record")
                    with self.assertRaisesRegex(MissingError, "does not exist"):
                        seen.mapped("name")

    def test_name_search(self):
        for user_key, customer_key, user, customer in self._matrix():
            with self.subTest(user=user_key, customer=customer_key):
                results = self.as_user(self.Partner, user).name_search(customer.name, limit=50)
                found = customer.id in [res_id for res_id, _name in results]
                self.assertEqual(found, customer_key in CAN_READ[user_key])

    def test_read_group(self):
        for user_key, customer_key, user, customer in self._matrix():
            with self.subTest(user=user_key, customer=customer_key):
                groups = self.as_user(self.Partner, user).formatted_read_group(
                    [("id", "=", customer.id)], ["pool_state"], ["__count"]
                )
                count = sum(group["__count"] for group in groups)
                self.assertEqual(count, 1 if customer_key in CAN_READ[user_key] else 0)

    def test_export(self):
        for user_key, customer_key, user, customer in self._matrix():
            with self.subTest(user=user_key, customer=customer_key):
                seen = self.as_user(customer, user)
                if customer_key in CAN_READ[user_key]:
                    rows = seen.export_data(["name", "customer_code"])["datas"]
                    self.assertEqual(rows[0][0], customer.name)
                else:
                    with self.assertRaisesRegex(MissingError, "does not exist"):
                        seen.export_data(["name", "customer_code"])

    def test_write(self):
        for user_key, customer_key, user, customer in self._matrix():
            with self.subTest(user=user_key, customer=customer_key):
                seen = self.as_user(customer, user)
                if customer_key in CAN_WRITE[user_key]:
                    seen.write({"phone": f"tel-{user_key}"})
                    self.assertEqual(customer.phone, f"tel-{user_key}")
                else:  # read-only for them, or hidden (then as if it did not exist)
                    readable = customer_key in CAN_READ[user_key]
                    with self.assertRaises(AccessError if readable else MissingError):
                        seen.write({"phone": f"tel-{user_key}"})
                    self.assertNotEqual(customer.phone, f"tel-{user_key}")

    def test_read_through_own_sale_order_and_lead(self):
        documents = {}
        for user_key, customer_key, user, customer in self._matrix():
            documents[user_key, customer_key] = (
                self.env["sale.order"].create({"partner_id": customer.id, "user_id": user.id}),
                self.env["crm.lead"].create(
                    {
                        "name": f"Lead {user_key} {customer_key}",
                        "type": "opportunity",
                        "partner_id": customer.id,
                        "user_id": user.id,
                    }
                ),
            )
        for (user_key, customer_key), (order, lead) in documents.items():
            customer = self.customers[customer_key]
            for document in (order, lead):
                with self.subTest(user=user_key, customer=customer_key, model=document._name):
                    seen = self.as_user(document, self.users[user_key])
                    if customer_key in CAN_READ_THROUGH_OWN_DOCUMENT[user_key]:
                        self.assertEqual(seen.partner_id.name, customer.name)
                    else:  # the document follows its hidden customer out of sight
                        with self.assertRaisesRegex(MissingError, "does not exist"):
                            _ = seen.partner_id.name

    def test_related_field_of_someone_elses_order_is_not_a_back_door(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customers["protected"].id, "user_id": self.rep_a.id}
        )
        with self.assertRaisesRegex(MissingError, "does not exist"):
            _ = self.as_user(order, self.rep_b).partner_id.name

    def test_clerk_sees_unprotected_customers_they_entered(self):
        entered = self.Partner.with_user(self.clerk).create(
            {
                "name": "Clerk Entered",
                "is_customer": True,
                "user_id": self.rep_b.id,
            }
        )
        self.assertTrue(self.as_user(self.Partner, self.clerk).search([("id", "=", entered.id)]))
        self.as_user(entered, self.rep_b).action_protect()
        self.assertFalse(self.as_user(self.Partner, self.clerk).search([("id", "=", entered.id)]))

    def test_non_sales_internal_user_sees_all_customers(self):
        internal = new_test_user(self.env, login="sp_internal", groups="base.group_user")
        found = self.as_user(self.Partner, internal).search([("id", "in", self.all_ids)])
        self.assertEqual(len(found), len(CUSTOMERS))

    def test_partners_odoo_needs_stay_visible(self):
        company_partner = self.env.company.partner_id
        vendor = self.Partner.create({"name": "Plain Vendor"})
        for user_key in ("other_rep", "clerk", "expired_share"):
            with self.subTest(user=user_key):
                Partner = self.as_user(self.Partner, self.users[user_key])
                visible = Partner.search(
                    [("id", "in", (company_partner | vendor | self.manager.partner_id).ids)]
                )
                self.assertEqual(len(visible), 3)
                self.assertTrue(
                    self.as_user(self.users[user_key], self.users[user_key]).partner_id.name
                )

    def test_document_users_lists_salespeople_of_orders_and_leads(self):
        customer = self.customers["own"]
        contact = self.Partner.create({"name": "Buyer", "parent_id": customer.id})
        self.env["sale.order"].create({"partner_id": contact.id, "user_id": self.rep_b.id})
        self.env["crm.lead"].create(
            {"name": "Lead", "partner_id": customer.id, "user_id": self.manager.id}
        )
        self.assertEqual(customer.document_user_ids, self.rep_b | self.manager)
        self.assertEqual(contact.document_user_ids, self.rep_b | self.manager)
        found = self.Partner.search(
            [("document_user_ids", "in", self.rep_b.ids), ("id", "in", self.all_ids)]
        )
        self.assertEqual(found, customer)

    def test_nobody_but_managers_asks_what_another_user_sees(self):
        """The fields the rules use answer for the current user only: a rep who searches them
        with another user's id learns nothing of what that user sees, shares or works on."""
        fields = (
            "visible_user_ids",
            "document_user_ids",
            "shared_user_ids",
            "write_shared_user_ids",
        )
        Partner = self.as_user(self.Partner, self.users["other_rep"])
        for field in fields:
            with self.subTest(field=field):
                with self.assertRaisesRegex(AccessError, "only search the customers you see"):
                    Partner.search([(field, "in", self.users["owner"].ids)])
                Partner.search([(field, "in", self.users["other_rep"].ids)])  # about oneself
                # a manager asks about anyone (no error)
                self.as_user(self.Partner, self.users["manager"]).search(
                    [(field, "in", self.users["owner"].ids), ("id", "in", self.all_ids)]
                )
