from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerProtection(SalesPipelineCase):
    def test_owner_protects_and_unprotects(self):
        customer = self.make_customer("Protect Me Co", owner=self.rep_a)
        mine = self.as_user(customer, self.rep_a)
        mine.action_protect()
        self.assertTrue(customer.is_protected)
        self.assertTrue(customer.protected_date)
        mine.action_unprotect()
        self.assertFalse(customer.is_protected)

    def test_protecting_someone_elses_customer_is_denied(self):
        customer = self.make_customer("Not Mine Co", owner=self.rep_a)
        customer.share_with(self.rep_b, access="write")
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            self.as_user(customer, self.rep_b).action_protect()
        self.assertFalse(customer.is_protected)
        customer.action_protect()
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            self.as_user(customer, self.rep_b).action_unprotect()
        self.assertTrue(customer.is_protected)

    def test_invisible_customer_cannot_be_protected(self):
        customer = self.make_customer("Hidden From B", owner=self.rep_a)
        with self.assertRaises(MissingError):
            self.as_user(customer, self.rep_b).action_protect()
        self.assertFalse(customer.is_protected)

    def test_pool_customer_cannot_be_protected(self):
        customer = self.make_customer("Pool Protect Co")
        with self.assertRaisesRegex(UserError, "claim it before protecting"):
            self.as_user(customer, self.rep_a).action_protect()
        self.assertFalse(customer.is_protected)

    def test_protect_quota(self):
        self.set_pool_settings(max_protected=1)
        first = self.make_customer("P1", owner=self.rep_a)
        second = self.make_customer("P2", owner=self.rep_a)
        self.as_user(first, self.rep_a).action_protect()
        with self.assertRaisesRegex(
            UserError, "may protect at most 1 customers and already protects 1"
        ):
            self.as_user(second, self.rep_a).action_protect()
        self.assertFalse(second.is_protected)
        self.rep_a.customer_protect_limit = 2
        self.as_user(second, self.rep_a).action_protect()
        self.assertTrue(second.is_protected)

    def test_manager_protects_for_the_owner(self):
        customer = self.make_customer("Manager Protect Co", owner=self.rep_a)
        self.as_user(customer, self.manager).action_protect()
        self.assertTrue(customer.is_protected)

    def test_protected_customer_and_contacts_hidden_from_other_reps(self):
        customer = self.make_customer("Secret Co", owner=self.rep_a, protected=True)
        contact = self.Partner.create(
            {"name": "Secret Contact", "parent_id": customer.id, "mobile": "13700000009"}
        )
        self.assertTrue(contact.is_protected)
        for user in (self.rep_b, self.clerk):
            with self.subTest(user=user.name):
                found = self.as_user(self.Partner, user).search(
                    [("id", "in", (customer | contact).ids)]
                )
                self.assertFalse(found)
                self.assertFalse(self.as_user(self.Partner, user).name_search("Secret"))
        found = self.as_user(self.Partner, self.rep_a).search(
            [("id", "in", (customer | contact).ids)]
        )
        self.assertEqual(found, customer | contact)

    def test_history_of_protected_customer_hidden_from_other_reps(self):
        customer = self.make_customer("History Secret Co")
        self.as_user(customer, self.rep_a).action_claim()
        self.as_user(customer, self.rep_a).action_protect()
        logs = customer.pool_log_ids
        self.assertTrue(logs)
        Log = self.env["res.partner.pool.log"]
        self.assertFalse(self.as_user(Log, self.rep_b).search([("id", "in", logs.ids)]))
        self.assertEqual(self.as_user(Log, self.rep_a).search([("id", "in", logs.ids)]), logs)
