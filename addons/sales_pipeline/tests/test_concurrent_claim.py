"""Two reps claim the same pool customer at the same moment, on two real
database connections: exactly one wins, the other gets a clear error."""

import uuid

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import REP_GROUPS


@tagged("post_install", "-at_install")
class TestConcurrentClaim(TransactionCase):
    """Runs on committed data, through cursors of its own: the test
    transaction is invisible to other connections, so this case commits its
    own records and removes them afterwards."""

    def setUp(self):
        super().setUp()
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for key in ("max_claimed", "reclaim_cooldown_days"):
                env["ir.config_parameter"].set_param(f"sales_pipeline.{key}", "0")
            self.rep_1 = new_test_user(
                env, login=f"race_1_{suffix}", groups=REP_GROUPS, name="Racer One"
            ).id
            self.rep_2 = new_test_user(
                env, login=f"race_2_{suffix}", groups=REP_GROUPS, name="Racer Two"
            ).id
            self.customer_id = (
                env["res.partner"]
                .create(
                    {
                        "name": f"Race Customer {suffix}",
                        "is_company": True,
                        "is_customer": True,
                    }
                )
                .id
            )
        self.addCleanup(self._remove_committed_records)

    def _remove_committed_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["res.partner"].browse(self.customer_id).unlink()
            users = env["res.users"].browse([self.rep_1, self.rep_2])
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def _customer(self, cr, uid):
        return api.Environment(cr, uid, {})["res.partner"].browse(self.customer_id)

    def test_two_reps_claim_at_once_one_wins(self):
        with self.registry.cursor() as cr_1, self.registry.cursor() as cr_2:
            # both transactions look at the customer: it is in the pool for both
            self.assertEqual(self._customer(cr_1, self.rep_1).pool_state, "pool")
            self.assertEqual(self._customer(cr_2, self.rep_2).pool_state, "pool")
            self._customer(cr_1, self.rep_1).action_claim()  # holds the row, not committed yet
            with self.assertRaisesRegex(UserError, "Another user is changing this customer"):
                self._customer(cr_2, self.rep_2).action_claim()
            cr_1.commit()
            # rep 2's transaction started before rep 1 committed: still refused
            with self.assertRaisesRegex(UserError, "Another user is changing this customer"):
                self._customer(cr_2, self.rep_2).action_claim()
            cr_2.rollback()
            # a fresh attempt sees the winner
            with self.assertRaisesRegex(UserError, "no longer in the public pool"):
                self._customer(cr_2, self.rep_2).action_claim()
            cr_2.rollback()

        with self.registry.cursor() as cr:
            customer = self._customer(cr, api.SUPERUSER_ID)
            self.assertEqual(customer.user_id.id, self.rep_1)
            self.assertEqual(customer.pool_log_ids.mapped("action"), ["claim"])
