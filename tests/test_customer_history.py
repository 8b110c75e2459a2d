"""One history of a customer: follow-ups, projects, quotations, contracts, executions, returns,
revisits, tickets and WeChat messages, newest first, each line opening its record; every line
shows only to those who may read its record."""

from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.aftersales_visit.tests.common import AftersalesCase


@tagged("post_install", "-at_install")
class TestCustomerHistory(AftersalesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Timeline = cls.env["res.partner.timeline"]
        with freeze_time("2026-03-01 09:00:00"):
            cls.followup = (
                cls.env["res.partner.followup"]
                .with_user(cls.rep_a)
                .create({"partner_id": cls.customer.id, "content": "<p>First <b>visit</b></p>"})
            )
        with freeze_time("2026-03-02 09:00:00"):
            cls.project = (
                cls.env["crm.lead"]
                .with_user(cls.rep_a)
                .create(
                    {
                        "name": "Warehouse shelves",
                        "type": "opportunity",
                        "partner_id": cls.customer.id,
                    }
                )
            )
        cls.order = cls._order_for_history()
        # a project's date is its creation: put it between the follow-up and the order
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE crm_lead SET create_date = '2026-03-02 09:00:00' WHERE id = %s",
            [cls.project.id],
        )
        cls.ticket = cls.env["aftersales.ticket"].create(
            {
                "name": "Scratched panel",
                "partner_id": cls.customer.id,
                "ticket_type": "complaint",
                "opened_on": datetime(2026, 3, 5, 9, 0),
            }
        )

    @classmethod
    def _order_for_history(cls):
        order = (
            cls.env["sale.order"]
            .with_user(cls.rep_a)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "date_order": datetime(2026, 3, 3, 9, 0),
                    "order_line": [(0, 0, {"product_id": cls.product.id, "tax_ids": [(5, 0, 0)]})],
                }
            )
        )
        return order

    def _history(self, user=None, **search):
        Timeline = self.Timeline.with_user(user) if user else self.Timeline
        return Timeline.search([("partner_id", "=", self.customer.id)], **search)

    def test_every_kind_in_one_history_newest_first(self):
        lines = self._history(user=self.rep_a)
        self.assertEqual(lines.mapped("kind")[:4], ["ticket", "quotation", "project", "followup"])
        self.assertEqual(lines.filtered(lambda line: line.kind == "followup").name, "First visit")
        self.assertEqual(
            self._history(user=self.rep_a, limit=2, offset=1).mapped("kind"),
            ["quotation", "project"],
        )
        action = lines.filtered(lambda line: line.kind == "project").action_open()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", self.project.id))

    def test_a_revisit_and_a_wechat_message_join_the_history(self):
        visit = self.Visit.create(
            {
                "flow_id": self.flow.id,
                "stage_id": self.stage_1.id,
                "partner_id": self.customer.id,
                "user_id": self.staff.id,
            }
        )
        visit._start()
        self.assertIn("revisit", self._history(user=self.staff).mapped("kind"))
        account = self.env["wechat.account"].create(
            {
                "name": "A",
                "app_id": "wx_history",
                "app_secret": "s",
                "token": "t",
                "encrypt_mode": "plain",
            }
        )
        follower = self.env["wechat.follower"].create(
            {"account_id": account.id, "openid": "oHistory", "partner_id": self.customer.id}
        )
        self.env["wechat.message"].create(
            {
                "account_id": account.id,
                "follower_id": follower.id,
                "openid": "oHistory",
                "msg_type": "text",
                "content": "有现货吗？",
                "dedupe_key": "history-1",
            }
        )
        lines = self._history(user=self.rep_a)
        self.assertIn("有现货吗？", lines.filtered(lambda line: line.kind == "wechat").name)

    def test_nobody_sees_a_line_whose_record_they_cannot_read(self):
        self.assertFalse(self._history(user=self.rep_b))
        hidden = self._history(user=self.rep_a)[:1]
        # answered as a line that does not exist (no telling which records exist)
        self.assertEqual(hidden.with_user(self.rep_b).read(["name"]), [])
        self.assertFalse(hidden.with_user(self.rep_b).has_access("read"))
        self.assertFalse(hidden.with_user(self.rep_b).readable)
        self.assertTrue(hidden.with_user(self.rep_a).readable)
        self.assertEqual(
            self.Timeline.with_user(self.rep_b).search_count([("id", "=", hidden.id)]), 0
        )
        as_b = self.Timeline.with_user(self.rep_b)
        for domain in (
            [("kind", "=", "followup")],
            ["|", ("partner_id", "=", self.rep_b.partner_id.id), ("name", "ilike", "First")],
            [("partner_id", "in", [self.customer.id, self.rep_b.partner_id.id])],
        ):
            with self.subTest(domain=domain):
                self.assertNotIn(self.followup.id, as_b.search(domain).mapped("res_id"))
        self.assertFalse(
            self.Timeline.with_user(self.rep_b).read_group(
                [("partner_id", "=", self.customer.id)], ["kind"], ["kind"]
            )
        )

    def test_a_read_share_shows_what_the_share_lets_read(self):
        self.env["res.partner.share"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.rep_b.id,
                "access": "read",
                "shared_by_id": self.rep_a.id,
            }
        )
        seen = set(self._history(user=self.rep_b).mapped("res_model"))
        readable = {
            model
            for model, record in (
                ("res.partner.followup", self.followup),
                ("crm.lead", self.project),
                ("sale.order", self.order),
                ("aftersales.ticket", self.ticket),
            )
            if record.with_user(self.rep_b).search_count([("id", "=", record.id)])
        }
        self.assertTrue(seen)
        self.assertEqual(seen, readable)
