from odoo.exceptions import MissingError
from odoo.tests import tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerFollowers(SalesPipelineCase):
    """Who can no longer read a customer stops following it, its contacts, projects and orders:
    no notification and no chatter of what they cannot see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.customer = cls.make_customer("Followed Co", owner=cls.rep_b)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Mr Followed", "parent_id": cls.customer.id}
        )
        cls.project = cls.env["crm.lead"].create(
            {
                "name": "Followed Deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.rep_b.id,
            }
        )
        cls.order = cls.env["sale.order"].create(
            {"partner_id": cls.contact.id, "user_id": cls.rep_b.id}
        )
        cls.records = cls.customer | cls.contact
        for record in (cls.customer, cls.contact, cls.project, cls.order):
            record.message_subscribe(partner_ids=cls.rep_b.partner_id.ids)

    def _followed_by_b(self):
        return [
            record
            for record in (self.customer, self.contact, self.project, self.order)
            if self.rep_b.partner_id in record.message_partner_ids
        ]

    def test_reassigned_and_protected_customer_drops_the_old_owner(self):
        self.assertEqual(len(self._followed_by_b()), 4)
        self.customer.with_user(self.manager).action_assign_to(self.rep_a)
        self.as_user(self.customer, self.rep_a).action_protect()
        self.assertEqual(self._followed_by_b(), [])
        self.customer.message_post(
            body="Price list for the protected deal",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        messages = (
            self.env["mail.message"]
            .with_user(self.rep_b)
            .search_read(
                [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)], ["body"]
            )
        )
        self.assertNotIn("Price list", str(messages))
        with self.assertRaises(MissingError):
            self.as_user(self.customer, self.rep_b).message_ids  # noqa: B018

    def test_followers_who_still_read_it_stay(self):
        self.customer.with_user(self.manager).action_assign_to(self.rep_a)
        self.customer.message_subscribe(partner_ids=self.manager.partner_id.ids)
        self.as_user(self.customer, self.rep_a).action_protect()
        self.assertIn(self.manager.partner_id, self.customer.message_partner_ids)
        self.assertIn(self.rep_a.partner_id, self.customer.message_partner_ids)

    def test_ending_a_share_ends_the_following(self):
        customer = self.make_customer("Shared Follow Co", owner=self.rep_a, protected=True)
        customer.share_with(self.rep_b)
        customer.message_subscribe(partner_ids=self.rep_b.partner_id.ids)
        self.as_user(customer, self.rep_a).unshare(self.rep_b.id)  # an id, as an RPC client sends
        self.assertNotIn(self.rep_b.partner_id, customer.message_partner_ids)

    def test_share_with_takes_ids_from_rpc_clients(self):
        customer = self.make_customer("Rpc Share Co", owner=self.rep_a)
        self.as_user(customer, self.rep_a).share_with([self.rep_b.id])
        self.assertIn(self.rep_b, customer.shared_user_ids)
        self.as_user(customer, self.rep_a).unshare([self.rep_b.id])
        self.assertNotIn(self.rep_b, customer.shared_user_ids)
        self.as_user(customer, self.rep_a).share_with(self.rep_b.id, access="write")
        self.assertIn(self.rep_b, customer.write_shared_user_ids)
