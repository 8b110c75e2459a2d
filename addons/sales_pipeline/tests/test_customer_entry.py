from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerEntry(SalesPipelineCase):
    def _customers_as(self, user):
        return self.Partner.with_user(user).with_context(
            default_is_customer=True, default_user_id=user.id
        )

    def test_rep_enters_own_customer_claimed_with_number(self):
        customer = self._customers_as(self.rep_a).create(
            {"name": "Own Entry Co", "is_company": True}
        )
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertEqual(customer.pool_state, "claimed")
        self.assertTrue(customer.customer_code.startswith("C"))
        self.assertTrue(customer.claim_date)
        self.assertEqual(customer.pool_log_ids.action, "claim")

    def test_customer_numbers_are_unique(self):
        first = self.make_customer("Number One")
        second = self.make_customer("Number Two")
        self.assertNotEqual(first.customer_code, second.customer_code)
        with self.assertRaises(UniqueViolation), self.cr.savepoint():
            second.customer_code = first.customer_code
            second.flush_recordset()

    def test_rep_cannot_enter_customer_for_another_rep(self):
        before = self.Partner.search_count([("name", "=", "Someone Else's")])
        with self.assertRaisesRegex(UserError, "only enter customers for yourself"):
            self._customers_as(self.rep_a).create(
                {"name": "Someone Else's", "user_id": self.rep_b.id}
            )
        with self.assertRaisesRegex(UserError, "only enter customers for yourself"):
            self._customers_as(self.rep_a).create({"name": "Someone Else's", "user_id": False})
        self.assertEqual(self.Partner.search_count([("name", "=", "Someone Else's")]), before)

    def test_clerk_enters_customers_for_a_rep_or_the_pool(self):
        Customers = self.Partner.with_user(self.clerk).with_context(default_is_customer=True)
        for_rep = Customers.create({"name": "Clerk For Rep B", "user_id": self.rep_b.id})
        pooled = Customers.create({"name": "Clerk Pool Entry"})
        self.assertEqual(for_rep.user_id, self.rep_b)
        self.assertEqual(for_rep.pool_state, "claimed")
        self.assertEqual(for_rep.pool_log_ids.action, "assign")
        self.assertEqual(pooled.pool_state, "pool")
        self.assertFalse(pooled.pool_log_ids)
        # the rep now sees the customer entered for them
        self.assertTrue(self.as_user(for_rep, self.rep_b).name)

    def test_entry_respects_claim_quota(self):
        self.set_pool_settings(max_claimed=1)
        self._customers_as(self.rep_a).create({"name": "Quota One"})
        with self.assertRaisesRegex(UserError, "at most 1 customers"):
            self._customers_as(self.rep_a).create({"name": "Quota Two"})
        self.assertFalse(self.Partner.search([("name", "=", "Quota Two")]))

    def test_contacts_follow_their_customer(self):
        customer = self.make_customer("Parent Co", owner=self.rep_a)
        contact = self.Partner.with_user(self.rep_a).create(
            {"name": "Contact Person", "parent_id": customer.id}
        )
        self.assertTrue(contact.is_customer)
        self.assertEqual(contact.user_id, self.rep_a)
        self.assertEqual(contact.pool_state, "claimed")
        self.assertFalse(contact.customer_code)
        customer.action_release()
        self.assertFalse(contact.user_id)
        self.assertEqual(contact.pool_state, "pool")

    def test_owner_changes_only_through_pool_actions(self):
        customer = self.make_customer("Guarded Co", owner=self.rep_a)
        mine = self.as_user(customer, self.rep_a)
        for vals in ({"user_id": self.rep_b.id}, {"user_id": False}, {"is_customer": False}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "change only through"):
                mine.write(vals)
        with self.assertRaises(UserError):
            mine.write({"is_protected": True})
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertTrue(customer.is_customer)
        # ordinary fields stay editable by the owner
        mine.write({"phone": "021-5555 0000", "mobile": "13800000001"})
        self.assertEqual(customer.mobile, "13800000001")

    def test_rep_cannot_turn_a_partner_into_a_customer(self):
        partner = self.Partner.create({"name": "Plain Partner"})
        with self.assertRaises(UserError):
            self.as_user(partner, self.rep_a).write({"is_customer": True})
        self.assertFalse(partner.is_customer)
        self.as_user(partner, self.manager).write({"is_customer": True})
        self.assertTrue(partner.customer_code)
        self.assertEqual(partner.pool_state, "pool")

    def test_rep_form_creates_own_customer(self):
        action = self.env.ref("sales_pipeline.res_partner_action_customers")
        context = safe_eval(action.context, {"uid": self.rep_a.id})
        form = Form(self.Partner.with_user(self.rep_a).with_context(**context))
        form.name = "Form Customer Ltd"
        form.mobile = "13900001111"
        customer = form.save()
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertTrue(customer.is_customer)
        self.assertEqual(customer.pool_state, "claimed")

    def test_other_rep_cannot_edit_or_delete(self):
        customer = self.make_customer("Not Yours Co", owner=self.rep_a)
        with self.assertRaises(MissingError):
            self.as_user(customer, self.rep_b).write({"phone": "1"})
        with self.assertRaises(AccessError):  # reps delete no partner at all (access rights)
            self.as_user(customer, self.rep_b).unlink()
        self.assertTrue(customer.exists())
