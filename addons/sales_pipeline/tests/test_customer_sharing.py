from freezegun import freeze_time

from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import new_test_user, tagged

from .common import REP_GROUPS, SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerSharing(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Shared Co", owner=cls.rep_a)

    def test_owner_shares_read_only(self):
        self.as_user(self.customer, self.rep_a).share_with(self.rep_b, access="read")
        share = self.customer.share_ids
        self.assertEqual(
            (share.user_id, share.access, share.shared_by_id), (self.rep_b, "read", self.rep_a)
        )
        seen = self.as_user(self.customer, self.rep_b)
        self.assertEqual(seen.name, "Shared Co")
        with self.assertRaises(AccessError):
            seen.write({"phone": "010-1234"})
        self.assertFalse(self.customer.phone)

    def test_write_share_allows_editing_not_ownership(self):
        self.as_user(self.customer, self.rep_a).share_with(self.rep_b, access="write")
        seen = self.as_user(self.customer, self.rep_b)
        seen.write({"phone": "010-1234"})
        self.assertEqual(self.customer.phone, "010-1234")
        with self.assertRaises(UserError):
            seen.write({"user_id": self.rep_b.id})
        with self.assertRaises(AccessError):
            seen.action_protect()
        self.assertEqual(self.customer.user_id, self.rep_a)

    def test_sharing_again_updates_the_share(self):
        mine = self.as_user(self.customer, self.rep_a)
        mine.share_with(self.rep_b, access="read")
        mine.share_with(self.rep_b, access="write", expires_at=self.days_from_now(5))
        self.assertEqual(len(self.customer.share_ids), 1)
        self.assertEqual(self.customer.share_ids.access, "write")

    def test_share_wizard(self):
        wizard = (
            self.env["res.partner.share.wizard"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_ids": [(6, 0, self.customer.ids)],
                    "user_ids": [(6, 0, self.rep_b.ids)],
                    "access": "write",
                }
            )
        )
        wizard.action_share()
        self.assertEqual(self.customer.share_ids.user_id, self.rep_b)
        self.assertEqual(self.customer.share_count, 1)

    def test_expired_share_stops_access_without_any_job(self):
        with freeze_time("2026-05-01 10:00:00"):
            self.as_user(self.customer, self.rep_a).share_with(
                self.rep_b, expires_at="2026-05-03 10:00:00"
            )
            self.assertTrue(
                self.as_user(self.Partner, self.rep_b).search([("id", "=", self.customer.id)])
            )
        with freeze_time("2026-05-03 10:00:01"):
            self.assertFalse(
                self.as_user(self.Partner, self.rep_b).search([("id", "=", self.customer.id)])
            )
            with self.assertRaises(MissingError):
                _ = self.as_user(self.customer, self.rep_b).name
            self.assertFalse(self.customer.share_ids.is_active)

    def test_unshare(self):
        mine = self.as_user(self.customer, self.rep_a)
        mine.share_with(self.rep_b)
        mine.unshare(self.rep_b)
        self.assertFalse(self.customer.share_ids)
        with self.assertRaises(MissingError):
            _ = self.as_user(self.customer, self.rep_b).name

    def test_share_line_unshare_button(self):
        self.as_user(self.customer, self.rep_a).share_with(self.rep_b)
        self.as_user(self.customer.share_ids, self.rep_a).action_unshare()
        self.assertFalse(self.customer.share_ids)

    def test_sharing_with_a_non_user_is_refused(self):
        mine = self.as_user(self.customer, self.rep_a)
        portal = new_test_user(self.env, login="sp_portal", groups="base.group_portal")
        archived = new_test_user(self.env, login="sp_archived", groups=REP_GROUPS)
        archived.active = False
        cases = {
            "a partner": self.rep_b.partner_id,
            "a name": "sp_rep_b",
            "an id of nobody": 999999999,
            "a portal user": portal,
            "an archived user": archived,
            "no user": self.env["res.users"],
            "the owner": self.rep_a,
        }
        for label, target in cases.items():
            with self.subTest(target=label), self.assertRaises(UserError):
                mine.share_with(target)
        self.assertFalse(self.customer.share_ids)

    def test_bad_access_or_past_expiry_is_refused(self):
        mine = self.as_user(self.customer, self.rep_a)
        with self.assertRaisesRegex(UserError, "'read' or 'write'"):
            mine.share_with(self.rep_b, access="admin")
        with self.assertRaisesRegex(UserError, "expire in the future"):
            mine.share_with(self.rep_b, expires_at=self.days_from_now(-1))
        self.assertFalse(self.customer.share_ids)

    def test_only_owner_or_manager_shares(self):
        self.as_user(self.customer, self.rep_a).share_with(self.rep_b, access="write")
        third = new_test_user(self.env, login="sp_third", groups=REP_GROUPS)
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            self.as_user(self.customer, self.rep_b).share_with(third)
        self.as_user(self.customer, self.manager).share_with(third)
        self.assertEqual(self.customer.share_ids.user_id, self.rep_b | third)

    def test_pool_customer_cannot_be_shared(self):
        pooled = self.make_customer("Pool Share Co")
        with self.assertRaisesRegex(UserError, "public pool"):
            self.as_user(pooled, self.manager).share_with(self.rep_b)

    def test_shared_user_is_notified(self):
        self.as_user(self.customer, self.rep_a).share_with(self.rep_b)
        message = self.customer.message_ids[0]
        self.assertIn(self.rep_b.partner_id, message.partner_ids)
        self.assertIn("Shared with Rep B", message.body)

    def test_shared_with_me_filter(self):
        self.as_user(self.customer, self.rep_a).share_with(self.rep_b)
        found = self.as_user(self.Partner, self.rep_b).search(
            [("shared_user_ids", "in", [self.rep_b.id])]
        )
        self.assertEqual(found, self.customer)
