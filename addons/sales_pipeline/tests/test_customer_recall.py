from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.fields import Domain
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SalesPipelineCase

WARNING_TYPE = "sales_pipeline.mail_activity_type_recall_warning"


@tagged("post_install", "-at_install")
class TestCustomerRecall(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_pool_settings(
            recall_followup_days=30,
            recall_deal_days=90,
            recall_warning_days=3,
            reclaim_cooldown_days=10,
        )

    def _claim_on(self, day, name, user=None, protected=False):
        with freeze_time(day):
            customer = self.make_customer(name)
            self.as_user(customer, user or self.rep_a).action_claim()
            if protected:
                self.as_user(customer, user or self.rep_a).action_protect()
        return customer

    def _warnings(self, customers):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", customers.ids),
                ("activity_type_id", "=", self.env.ref(WARNING_TYPE).id),
            ]
        )

    def test_recall_date_shown_on_customer(self):
        customer = self._claim_on("2026-03-01 08:00:00", "Date Co")
        self.assertEqual(str(customer.recall_date), "2026-03-31 08:00:00")
        with freeze_time("2026-03-20 08:00:00"):
            customer._register_followup()
        self.assertEqual(str(customer.recall_date), "2026-04-19 08:00:00")

    def test_idle_customer_is_warned_then_recalled(self):
        customer = self._claim_on("2026-03-01 08:00:00", "Idle Co")
        with freeze_time("2026-03-27 08:00:00"):  # 4 days before: nothing yet
            self.run_recall_cron()
        self.assertFalse(self._warnings(customer))
        with freeze_time("2026-03-28 09:00:00"):  # inside the 3-day warning window
            self.run_recall_cron()
            self.run_recall_cron()  # a second run warns no one twice
        warning = self._warnings(customer)
        self.assertEqual(len(warning), 1)
        self.assertEqual(warning.user_id, self.rep_a)
        self.assertEqual(str(warning.date_deadline), "2026-03-31")
        self.assertEqual(customer.pool_state, "claimed")
        with freeze_time("2026-03-31 08:00:01"):
            self.run_recall_cron()
        self.assertEqual(customer.pool_state, "pool")
        self.assertFalse(customer.user_id)
        log = customer.pool_log_ids[0]
        self.assertEqual((log.action, log.user_id), ("recall", self.rep_a))

    def test_followup_restarts_the_clock_and_clears_the_warning(self):
        customer = self._claim_on("2026-03-01 08:00:00", "Followed Co")
        with freeze_time("2026-03-29 08:00:00"):
            self.run_recall_cron()
            self.assertTrue(self._warnings(customer))
            customer._register_followup()
        self.assertFalse(self._warnings(customer))
        self.assertFalse(customer.recall_warned)
        with freeze_time("2026-04-02 08:00:00"):
            self.run_recall_cron()
        self.assertEqual(customer.user_id, self.rep_a)

    def test_no_won_deal_recalls_even_with_followups(self):
        customer = self._claim_on("2026-01-01 08:00:00", "Chatty Co")
        for day in ("2026-01-25", "2026-02-20", "2026-03-15"):
            with freeze_time(f"{day} 08:00:00"):
                customer._register_followup()
                self.run_recall_cron()
        self.assertEqual(customer.user_id, self.rep_a)
        with freeze_time("2026-04-01 08:00:01"):  # 90 days after the claim, no deal
            self.run_recall_cron()
        self.assertEqual(customer.pool_state, "pool")

    def test_won_deal_restarts_the_deal_clock(self):
        customer = self._claim_on("2026-01-01 08:00:00", "Buyer Co")
        product = self.env["product.product"].create({"name": "Widget", "list_price": 10})
        with freeze_time("2026-03-01 08:00:00"):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": self.rep_a.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                }
            )
            order.action_confirm()
        self.assertEqual(str(customer.last_won_date), "2026-03-01 08:00:00")
        for day in ("2026-01-25", "2026-02-20", "2026-03-15"):
            with freeze_time(f"{day} 08:00:00"):
                customer._register_followup()
        with freeze_time("2026-04-02 08:00:00"):
            self.run_recall_cron()
        self.assertEqual(customer.user_id, self.rep_a)

    def test_won_opportunity_restarts_the_deal_clock(self):
        customer = self._claim_on("2026-01-01 08:00:00", "Lead Buyer Co")
        lead = self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": self.rep_a.id,
            }
        )
        with freeze_time("2026-02-01 08:00:00"):
            lead.action_set_won()
        self.assertEqual(str(customer.last_won_date), "2026-02-01 08:00:00")

    def test_protected_customer_is_never_recalled(self):
        customer = self._claim_on("2026-01-01 08:00:00", "Safe Co", protected=True)
        with freeze_time("2026-06-01 08:00:00"):
            self.run_recall_cron()
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertFalse(self._warnings(customer))
        self.assertFalse(customer.recall_date)

    def test_recalled_owner_waits_for_cooldown(self):
        customer = self._claim_on("2026-01-01 08:00:00", "Lost Co")
        with freeze_time("2026-02-01 08:00:00"):
            self.run_recall_cron()
            self.assertEqual(customer.pool_state, "pool")
            with self.assertRaisesRegex(Exception, "claim it again after"):
                self.as_user(customer, self.rep_a).action_claim()
        with freeze_time("2026-02-12 08:00:00"):
            self.as_user(customer, self.rep_a).action_claim()
        self.assertEqual(customer.user_id, self.rep_a)

    def test_recall_disabled_when_no_rule_is_set(self):
        self.set_pool_settings(recall_followup_days=0, recall_deal_days=0)
        customer = self._claim_on("2026-01-01 08:00:00", "Forever Co")
        with freeze_time("2027-01-01 08:00:00"):
            self.run_recall_cron()
        self.assertEqual(customer.user_id, self.rep_a)
        self.assertFalse(customer.recall_date)

    def test_recall_runs_in_batches(self):
        customers = self.env["res.partner"]
        for index in range(7):
            customers |= self._claim_on("2026-01-01 08:00:00", f"Batch Recall {index}")
        with (
            freeze_time("2026-02-01 08:00:00"),
            self.enter_registry_test_mode(),
            self.registry.cursor() as cr,
        ):
            self.env(cr=cr)["res.partner"]._cron_recall_customers(batch_size=3)
        self.env.invalidate_all()
        self.assertEqual(set(customers.mapped("pool_state")), {"pool"})
        self.assertEqual(
            len(customers.pool_log_ids.filtered(lambda log: log.action == "recall")), 7
        )

    def test_cron_record_runs_the_job(self):
        cron = self.env.ref("sales_pipeline.ir_cron_recall_customers")
        self.assertEqual(cron.model_id.model, "res.partner")
        self.assertIn("_cron_recall_customers", cron.code)

    def test_recall_notes_notify_whoever_follows_the_customers_notes(self):
        watched = self._claim_on("2026-03-01 08:00:00", "Watched Co")
        quiet = self._claim_on("2026-03-01 08:00:00", "Quiet Co")
        watched.message_subscribe(self.manager.partner_id.ids, self.env.ref("mail.mt_note").ids)
        quiet.message_subscribe(self.rep_b.partner_id.ids)  # the default subtypes: no notes
        with freeze_time("2026-04-05 08:00:00"):
            self.run_recall_cron()
        note = "Returned to the public pool: no follow-up or won deal in time."
        for customer in watched | quiet:
            self.assertEqual(customer.pool_state, "pool")
            notes = [body for body in customer.message_ids.mapped("body") if note in body]
            self.assertEqual(len(notes), 1, "one note each")

        def notified(partner):
            return (
                self.env["mail.notification"]
                .search(
                    [
                        ("res_partner_id", "=", partner.id),
                        ("mail_message_id.res_id", "in", (watched | quiet).ids),
                    ]
                )
                .mail_message_id
            )

        self.assertEqual(notified(self.manager.partner_id).mapped("res_id"), watched.ids)
        self.assertIn(note, notified(self.manager.partner_id).body)
        self.assertFalse(notified(self.rep_b.partner_id))

    # ------------------------------------------------------------------
    # The due search
    # ------------------------------------------------------------------

    def _recall_candidates(self):
        """Customers at each side of each rule's limit, and the ones the recall leaves alone."""
        claimed = "2026-01-01 08:00:00"
        cases = {
            "idle": {},
            "followed recently": {"last_followup_date": "2026-03-20 08:00:00"},
            "followed long ago": {"last_followup_date": "2026-01-10 08:00:00"},
            "won recently, not followed": {"last_won_date": "2026-03-20 08:00:00"},
            "followed and won recently": {
                "last_followup_date": "2026-03-20 08:00:00",
                "last_won_date": "2026-03-20 08:00:00",
            },
            "followed recently, won long ago": {
                "last_followup_date": "2026-03-25 08:00:00",
                "last_won_date": "2026-01-02 08:00:00",
            },
            "claimed recently": {"claim_date": "2026-03-25 08:00:00"},
        }
        customers = self.Partner
        for name, dates in cases.items():
            customer = self._claim_on(claimed, name.title())
            customer.sudo().write(dates)
            customers |= customer
        customers |= self._claim_on(claimed, "Protected", protected=True)
        customers |= self.make_customer("In The Pool")
        contact = self.Partner.create({"name": "A Contact", "parent_id": customers[0].id})
        contact.sudo().write({"claim_date": claimed})  # a contact carries no recall of its own
        return customers | contact

    def test_due_searches_find_the_customers_whose_recall_date_has_passed_or_is_near(self):
        candidates = self._recall_candidates()
        Partner = self.env["res.partner"]

        def found(domain):
            return sorted(
                Partner.search(domain & Domain("id", "in", candidates.ids)).mapped("name")
            )

        def recalled_in(settings, start, end):
            return sorted(
                candidates.filtered(
                    lambda p: (date := p._get_recall_date(settings)) and start <= date < end
                ).mapped("name")
            )

        for rules in ({}, {"recall_deal_days": 0}, {"recall_followup_days": 0}):
            self.set_pool_settings(**({"recall_followup_days": 30, "recall_deal_days": 90} | rules))
            settings = Partner._get_pool_settings()
            for at in ("2026-03-01 08:00:00", "2026-04-01 08:00:01", "2026-04-22 08:00:00"):
                at = datetime.fromisoformat(at)
                soon = at + timedelta(days=3)
                due = Partner._recall_due_domain(settings, at)
                due_soon = Partner._recall_due_domain(settings, soon)
                self.assertEqual(found(due), recalled_in(settings, datetime.min, at), (rules, at))
                self.assertEqual(found(due_soon & ~due), recalled_in(settings, at, soon))
                self.assertTrue(found(due) or at.month == 3, "each time has customers due")

    def _claim_many_recently(self, count):
        """``count`` copies of a customer claimed today, inserted in one statement, with fresh
        statistics: the shape of a large pool, where few of the claimed customers are due."""
        model = self._claim_on(fields.Datetime.now(), "Busy")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'res_partner' AND column_name != 'id'"
        )
        names = [name for (name,) in self.env.cr.fetchall()]
        numbered = {"name", "complete_name", "customer_code"}  # unique, or told apart
        self.env.cr.execute(
            SQL(
                "INSERT INTO res_partner (%s) SELECT %s FROM res_partner"
                " CROSS JOIN generate_series(1, %s) AS n WHERE id = %s",
                SQL(", ").join(SQL.identifier(name) for name in names),
                SQL(", ").join(
                    SQL("%s || n", SQL.identifier(name))
                    if name in numbered
                    else SQL.identifier(name)
                    for name in names
                ),
                count,
                model.id,
            )
        )
        self.env.cr.execute("ANALYZE res_partner")

    def test_due_search_reads_the_recall_indexes(self):
        """Among many claimed customers, the due ones come from the indexes on the recall clocks,
        not from reading every claimed customer (at a million customers, 0.5 s a batch)."""
        self._recall_candidates()
        self._claim_many_recently(20000)
        Partner = self.env["res.partner"]
        settings = Partner._get_pool_settings()
        now = datetime(2026, 4, 1, 8)
        soon = datetime(2026, 4, 4, 8)
        warnings = Partner._recall_due_domain(settings, soon) & ~Partner._recall_due_domain(
            settings, now
        )
        for domain in (Partner._recall_due_domain(settings, now), warnings):
            query = Partner._search(domain, limit=500, order="id")
            self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
            self.assertIn("res_partner_recall_followup_idx", plan)
            self.assertIn("res_partner_recall_deal_idx", plan)
