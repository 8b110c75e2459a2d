from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerPool(SalesPipelineCase):
    def test_rep_claims_pool_customer(self):
        customer = self.make_customer("Pool Claim Co")
        self.assertEqual(customer.pool_state, "pool")
        self.as_user(customer, self.rep_a).action_claim()
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertEqual(customer.pool_state, "claimed")
        self.assertTrue(customer.claim_date)
        log = customer.pool_log_ids
        self.assertEqual((log.action, log.user_id), ("claim", self.rep_a))

    def test_claiming_a_claimed_customer_fails_and_changes_nothing(self):
        customer = self.make_customer("Taken Co", owner=self.rep_a)
        # shared so that rep B can see it and try
        customer.share_with(self.rep_b)
        with self.assertRaisesRegex(UserError, "already been claimed by Rep A"):
            self.as_user(customer, self.rep_b).action_claim()
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertEqual(len(customer.pool_log_ids), 1)

    def test_claiming_own_customer_fails(self):
        customer = self.make_customer("Mine Already", owner=self.rep_a)
        with self.assertRaisesRegex(UserError, "already yours"):
            self.as_user(customer, self.rep_a).action_claim()

    def test_claiming_an_invisible_customer_reveals_no_owner(self):
        customer = self.make_customer("Invisible Co", owner=self.rep_a, protected=True)
        with self.assertRaisesRegex(UserError, "no longer in the public pool") as error:
            self.as_user(customer, self.rep_b).action_claim()
        self.assertNotIn("Rep A", str(error.exception))
        self.assertEqual(customer.user_id, self.rep_a)

    def test_only_salespeople_claim(self):
        customer = self.make_customer("Pool For Sales Only")
        internal = new_test_user(
            self.env, login="sp_warehouse", groups="base.group_user", name="Warehouse"
        )
        with self.assertRaisesRegex(UserError, "not an active salesperson"):
            self.as_user(customer, internal).action_claim()
        self.assertEqual(customer.pool_state, "pool")

    def test_claiming_a_plain_partner_fails(self):
        partner = self.Partner.create({"name": "Just A Vendor"})
        with self.assertRaisesRegex(UserError, "not a managed customer"):
            self.as_user(partner, self.rep_a).action_claim()
        self.assertFalse(partner.user_id)

    def test_release_by_owner_returns_to_pool(self):
        customer = self.make_customer("Release Co", owner=self.rep_a, protected=True)
        customer.share_with(self.rep_b)
        self.as_user(customer, self.rep_a).action_release()
        self.assertEqual(customer.pool_state, "pool")
        self.assertFalse(customer.user_id)
        self.assertFalse(customer.is_protected)
        self.assertFalse(customer.share_ids, "shares end with the ownership")
        self.assertEqual(customer.pool_log_ids[0].action, "release")
        self.assertEqual(customer.pool_log_ids[0].user_id, self.rep_a)

    def test_release_by_shared_user_or_of_pool_customer_is_refused(self):
        customer = self.make_customer("Shared Release Co", owner=self.rep_a)
        customer.share_with(self.rep_b, access="write")
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            self.as_user(customer, self.rep_b).action_release()
        self.assertEqual(customer.user_id, self.rep_a)
        pooled = self.make_customer("Already Pooled")
        with self.assertRaisesRegex(UserError, "already in the public pool"):
            self.as_user(pooled, self.rep_a).action_release()

    def test_manager_releases_and_assigns(self):
        customer = self.make_customer("Managed Co", owner=self.rep_a)
        self.as_user(customer, self.manager).action_release()
        self.assertEqual(customer.pool_state, "pool")
        self.as_user(customer, self.manager).action_assign_to(self.rep_b, note="Big account")
        self.assertEqual(customer.user_id, self.rep_b)
        log = customer.pool_log_ids[0]
        self.assertEqual(
            (log.action, log.user_id, log.done_by_id, log.note),
            ("assign", self.rep_b, self.manager, "Big account"),
        )

    def test_assign_wizard_assigns_many(self):
        customers = self.make_customer("Batch 1") | self.make_customer("Batch 2", owner=self.rep_a)
        wizard = (
            self.env["res.partner.assign.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "partner_ids": [(6, 0, customers.ids)],
                    "user_id": self.rep_b.id,
                }
            )
        )
        wizard.action_assign()
        self.assertEqual(customers.user_id, self.rep_b)

    def test_rep_cannot_assign(self):
        customer = self.make_customer("Rep Assign Co", owner=self.rep_a)
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            self.as_user(customer, self.rep_a).action_assign_to(self.rep_b)
        self.assertEqual(customer.user_id, self.rep_a)

    def test_assign_to_non_salesperson_is_refused(self):
        customer = self.make_customer("Odd Assign Co")
        accountant = new_test_user(
            self.env, login="sp_not_sales", groups="base.group_user", name="Not Sales"
        )
        with self.assertRaisesRegex(UserError, "not an active salesperson"):
            self.as_user(customer, self.manager).action_assign_to(accountant)
        with self.assertRaisesRegex(UserError, "Choose one salesperson"):
            self.as_user(customer, self.manager).action_assign_to(self.rep_b.partner_id)
        self.assertFalse(customer.user_id)

    def test_claim_quota(self):
        self.set_pool_settings(max_claimed=2)
        self.make_customer("Held 1", owner=self.rep_a)
        first, second = self.make_customer("Pool Q1"), self.make_customer("Pool Q2")
        self.as_user(first, self.rep_a).action_claim()
        with self.assertRaisesRegex(UserError, "may hold at most 2 customers and already holds 2"):
            self.as_user(second, self.rep_a).action_claim()
        self.assertEqual(second.pool_state, "pool")
        # rep B has their own quota
        self.as_user(second, self.rep_b).action_claim()
        self.assertEqual(second.user_id, self.rep_b)

    def test_claim_quota_per_rep_overrides_default(self):
        self.set_pool_settings(max_claimed=1)
        self.rep_a.customer_claim_limit = 3
        customers = (
            self.make_customer("Own Q1")
            | self.make_customer("Own Q2")
            | self.make_customer("Own Q3")
        )
        self.as_user(customers, self.rep_a).action_claim()
        self.assertEqual(customers.user_id, self.rep_a)
        with self.assertRaises(UserError):
            self.as_user(self.make_customer("Own Q4"), self.rep_a).action_claim()

    def test_manager_assignment_respects_quota(self):
        self.set_pool_settings(max_claimed=1)
        self.make_customer("Held By B", owner=self.rep_b)
        customer = self.make_customer("Too Many For B")
        with self.assertRaisesRegex(UserError, "Rep B may hold at most 1"):
            self.as_user(customer, self.manager).action_assign_to(self.rep_b)
        self.assertFalse(customer.user_id)

    def test_reclaim_cooldown(self):
        self.set_pool_settings(reclaim_cooldown_days=30)
        customer = self.make_customer("Cooldown Co")
        with freeze_time("2026-01-01 09:00:00"):
            self.as_user(customer, self.rep_a).action_claim()
        with freeze_time("2026-01-05 09:00:00"):
            self.as_user(customer, self.rep_a).action_release()
        with freeze_time("2026-01-20 09:00:00"):
            with self.assertRaisesRegex(UserError, "claim it again after"):
                self.as_user(customer, self.rep_a).action_claim()
            self.assertEqual(customer.pool_state, "pool")
            # nobody else is held back
            self.as_user(customer, self.rep_b).action_claim()
            self.as_user(customer, self.rep_b).action_release()
        with freeze_time("2026-02-05 09:00:01"):
            self.as_user(customer, self.rep_a).action_claim()
        self.assertEqual(customer.user_id, self.rep_a)

    def test_claim_from_list_for_many(self):
        customers = self.make_customer("List 1") | self.make_customer("List 2")
        action = self.env.ref("sales_pipeline.res_partner_action_claim")
        action.with_user(self.rep_a).with_context(
            active_model="res.partner", active_ids=customers.ids
        ).run()
        self.assertEqual(customers.user_id, self.rep_a)
