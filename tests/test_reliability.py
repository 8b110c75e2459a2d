"""Reliability under real concurrency and faults, on committed data: threads with a
connection each start together (a barrier) as users double-clicking or racing would.

- 20 reps claim one pool customer at once: one wins.
- one rep with room for one more customer claims five at once (five tabs): gets one.
- five reps enter the same project name at once where duplicates are forbidden: one project.
- 10 revisions of a quotation at once when one more is allowed: one is made.
- 5 approvers approve one contract at once: approved once.
- a double (triple) click on one-step execution: executed once.
  (Racers are retried on serialization failures, as Odoo retries an HTTP request.)
- the database connection of the recall cron dies in the middle (as in a PostgreSQL restart):
  the batches committed stay, the interrupted one is not half done, the next run finishes.

Records carry a unique suffix and stay (the test database is rebuilt by scripts/test);
the settings changed are put back.
"""

import re
import threading
import time
import uuid
from datetime import timedelta

import psycopg2

from odoo import api, fields
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.sales_pipeline.tests.common import MANAGER_GROUPS, REP_GROUPS


@tagged("post_install", "-at_install")
class TestReliability(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suffix = uuid.uuid4().hex[:8]
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            cls.saved_params = {
                key: params.get_param(f"sales_pipeline.{key}")
                for key in (
                    "max_claimed",
                    "reclaim_cooldown_days",
                    "quote_limit_per_project",
                    "quote_limit_per_customer",
                    "recall_followup_days",
                    "recall_deal_days",
                    "recall_warning_days",
                )
            }
            for key in cls.saved_params:
                params.set_param(f"sales_pipeline.{key}", "0")
            cls.active_rule_ids = env["sale.order.approval.rule"].search([]).ids
            env["sale.order.approval.rule"].browse(cls.active_rule_ids).active = False
            cls.discount_rule_ids = env["sale.order.discount.rule"].search([]).ids
            env["sale.order.discount.rule"].browse(cls.discount_rule_ids).active = False
            cls.rep_ids = [
                new_test_user(
                    env,
                    login=f"rel_rep_{n}_{cls.suffix}",
                    groups=REP_GROUPS,
                    name=f"Racing Rep {n}",
                ).id
                for n in range(20)
            ]
            cls.manager_ids = [
                new_test_user(
                    env,
                    login=f"rel_mgr_{n}_{cls.suffix}",
                    groups=MANAGER_GROUPS,
                    name=f"Racing Manager {n}",
                ).id
                for n in range(5)
            ]
            cls.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": f"Reliable Widget {cls.suffix}",
                        "type": "consu",
                        "is_storable": True,
                        "list_price": 100,
                        "standard_price": 60,
                        "invoice_policy": "order",
                        "taxes_id": [(5, 0, 0)],
                    }
                )
                .id
            )
            stock = env.ref("stock.warehouse0").lot_stock_id
            env["stock.quant"]._update_available_quantity(
                env["product.product"].browse(cls.product_id), stock, 50
            )
            cls.journal_id = (
                env["account.journal"]
                .search([("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1)
                .id
            )
        cls.addClassCleanup(cls._restore_settings)

    @classmethod
    def _restore_settings(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for key, value in cls.saved_params.items():
                env["ir.config_parameter"].set_param(f"sales_pipeline.{key}", value or "0")
            env["sale.order.approval.rule"].with_context(active_test=False).browse(
                cls.active_rule_ids
            ).active = True
            env["sale.order.discount.rule"].with_context(active_test=False).browse(
                cls.discount_rule_ids
            ).active = True
            env["sale.order.approval.rule"].search([("name", "like", cls.suffix)]).active = False

    # ------------------------------------------------------------------

    def committed(self, func):
        """Run ``func(env)`` as superuser in a transaction of its own, committed; return its
        result."""
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, api.SUPERUSER_ID, {}))

    def race(self, users, action):
        """``action(env)`` (or ``action[i](env)``) as each of ``users`` at once, each in its own
        transaction, retried on serialization failures as Odoo retries a request. Returns the
        outcomes: "ok" or the UserError's message."""
        barrier = threading.Barrier(len(users))
        outcomes = [None] * len(users)
        actions = action if isinstance(action, list) else [action] * len(users)

        def run(index, uid):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    barrier.wait(timeout=30)
                    retrying(lambda: actions[index](env), env)
                outcomes[index] = "ok"
            except UserError as error:
                outcomes[index] = str(error)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcomes[index] = f"UNEXPECTED {error.__class__.__name__}: {error}"

        threads = [threading.Thread(target=run, args=pair) for pair in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(
            [o for o in outcomes if not o or o.startswith("UNEXPECTED")],
            f"a racer did not finish cleanly: {outcomes}",
        )
        return outcomes

    def make_order(self, env, rep_id, qty=1, price=100):
        customer = env["res.partner"].create(
            {
                "name": f"Reliable Customer {uuid.uuid4().hex[:6]} {self.suffix}",
                "is_company": True,
                "is_customer": True,
                "user_id": rep_id,
            }
        )
        return env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": rep_id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product_id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        },
                    )
                ],
            }
        )

    # ------------------------------------------------------------------

    def test_twenty_reps_claim_one_customer_one_wins(self):
        # no quota: racers holding customers from other tests must lose to the race, not to it
        self.committed(
            lambda env: env["ir.config_parameter"].set_param("sales_pipeline.max_claimed", "0")
        )
        customer_id = self.committed(
            lambda env: (
                env["res.partner"]
                .create(
                    {
                        "name": f"Popular Customer {self.suffix}",
                        "is_company": True,
                        "is_customer": True,
                    }
                )
                .id
            )
        )
        outcomes = self.race(
            self.rep_ids, lambda env: env["res.partner"].browse(customer_id).action_claim()
        )
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        for outcome in outcomes:
            if outcome != "ok":
                self.assertRegex(
                    outcome, "Another user is changing this customer|no longer in the public pool"
                )
        winner = self.rep_ids[outcomes.index("ok")]
        customer = self.committed(
            lambda env: (
                env["res.partner"].browse(customer_id).user_id.id,
                env["res.partner"].browse(customer_id).pool_log_ids.mapped("action"),
            )
        )
        self.assertEqual(customer, (winner, ["claim"]))

    def test_one_rep_claims_five_customers_at_once_with_room_for_one(self):
        """Five tabs of one rep claim five pool customers together with a quota of one: the rep
        ends up holding one."""

        def prepare(env):
            env["ir.config_parameter"].set_param("sales_pipeline.max_claimed", "1")
            rep = new_test_user(
                env, login=f"rel_quota_rep_{self.suffix}", groups=REP_GROUPS, name="Quota Rep"
            )
            customers = env["res.partner"].create(
                [
                    {"name": f"Wanted {n} {self.suffix}", "is_company": True, "is_customer": True}
                    for n in range(5)
                ]
            )
            return rep.id, customers.ids

        rep, customer_ids = self.committed(prepare)
        outcomes = self.race(
            [rep] * 5,
            [
                lambda env, customer_id=customer_id: (
                    env["res.partner"].browse(customer_id).action_claim()
                )
                for customer_id in customer_ids
            ],
        )
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        for outcome in outcomes:
            if outcome != "ok":
                self.assertRegex(outcome, "may hold at most 1|in progress")
        held = self.committed(lambda env: env["res.partner"].search_count([("user_id", "=", rep)]))
        self.assertEqual(held, 1)

    def test_five_reps_enter_one_project_name_at_once_when_duplicates_are_forbidden(self):
        """Five reps enter the same project name at once under the "forbid" policy, unique in the
        company or per customer: one project."""
        for scope in ("company", "customer"):
            with self.subTest(scope=scope):
                self._enter_one_name_at_once(scope)

    def _enter_one_name_at_once(self, scope):
        name = f"Metro Line 9 Tender {scope} {self.suffix}"
        customer_id = self.committed(
            lambda env: (
                env["res.partner"]
                .create(
                    {
                        "name": f"Metro Company {scope} {self.suffix}",
                        "is_company": True,
                        "is_customer": True,
                    }
                )
                .id
            )
        )

        def set_policy(policy):
            def apply(env):
                company = env.company
                saved = company.project_duplicate_policy, company.project_duplicate_scope
                company.write(
                    {"project_duplicate_policy": policy[0], "project_duplicate_scope": policy[1]}
                )
                return saved

            return apply

        saved = self.committed(set_policy(("forbid", scope)))
        try:
            outcomes = self.race(
                self.rep_ids[5:10],
                lambda env: env["crm.lead"].create(
                    {
                        "name": name,
                        "type": "opportunity",
                        "user_id": env.uid,
                        "partner_id": customer_id,
                    }
                ),
            )
        finally:
            self.committed(set_policy(saved))
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        for outcome in outcomes:
            if outcome != "ok":
                self.assertIn("already exists", outcome)
        self.assertEqual(
            self.committed(lambda env: env["crm.lead"].search_count([("name", "=", name)])), 1
        )

    def test_parallel_revisions_at_the_limit_make_one(self):
        rep = self.rep_ids[0]

        def prepare(env):
            env["ir.config_parameter"].set_param("sales_pipeline.quote_limit_per_project", "2")
            order = self.make_order(env, rep)
            project = env["crm.lead"].create(
                {
                    "name": f"Limited {self.suffix}",
                    "type": "opportunity",
                    "partner_id": order.partner_id.id,
                    "user_id": rep,
                }
            )
            order.opportunity_id = project
            return order.id, project.id

        order_id, project_id = self.committed(prepare)
        try:
            outcomes = self.race(
                [rep] * 10, lambda env: env["sale.order"].browse(order_id).action_revise()
            )
        finally:
            self.committed(
                lambda env: env["ir.config_parameter"].set_param(
                    "sales_pipeline.quote_limit_per_project", "0"
                )
            )
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        self.assertEqual(
            self.committed(
                lambda env: env["sale.order"].search_count([("opportunity_id", "=", project_id)])
            ),
            2,
        )

    def test_parallel_approvals_approve_once(self):
        def prepare(env):
            group = env["res.groups"].create(
                {"name": f"Approvers {self.suffix}", "user_ids": [(6, 0, self.manager_ids)]}
            )
            env["sale.order.approval.rule"].create(
                {
                    "name": f"Reliability rule {self.suffix}",
                    "min_amount": 1,
                    "level_ids": [(0, 0, {"approver_type": "group", "group_id": group.id})],
                }
            )
            order = self.make_order(env, self.rep_ids[1])
            order.with_user(self.rep_ids[1]).action_submit_contract()
            env["sale.order.approval.rule"].search([("name", "like", self.suffix)]).active = False
            return order.id

        order_id = self.committed(prepare)
        outcomes = self.race(
            self.manager_ids,
            lambda env: env["sale.order"].browse(order_id).action_approve_contract(),
        )
        self.assertEqual(outcomes.count("ok"), 1, outcomes)
        for outcome in outcomes:
            if outcome != "ok":
                self.assertRegex(
                    outcome, "deciding on .* at this very moment|not waiting for approval"
                )

        def decided(env):
            order = env["sale.order"].browse(order_id)
            return (
                order.contract_state,
                len(order.contract_approval_ids.filtered(lambda s: s.state == "approved")),
                len(
                    order.message_ids.filtered(
                        lambda m: re.search("Approved by|已由 .* 批准", m.body or "")
                    )
                ),
            )

        self.assertEqual(self.committed(decided), ("approved", 1, 1))

    def test_double_click_on_execution_executes_once(self):
        rep = self.rep_ids[2]

        def prepare(env):
            order = self.make_order(env, rep, qty=3)
            order.with_user(rep).action_submit_contract()
            return order.id

        order_id = self.committed(prepare)

        def execute(env):
            wizard = env["sale.order.execute.wizard"].create(
                {"order_id": order_id, "journal_id": self.journal_id, "amount": 300}
            )
            wizard.action_execute()

        outcomes = self.race([rep] * 3, execute)
        self.assertEqual(outcomes.count("ok"), 1, outcomes)

        def executed(env):
            order = env["sale.order"].browse(order_id)
            return (
                len(order.invoice_ids),
                order.picking_ids.filtered(lambda p: p.state == "done").move_ids.quantity,
                bool(order.contract_executed_on),
            )

        self.assertEqual(self.committed(executed), (1, 3, True))

    def test_recall_cron_survives_losing_its_database_connection(self):
        """The recall cron's connection is cut while it waits inside its second batch (what a
        PostgreSQL restart does to it): batch 1 stays recalled, batch 2 is not half done, and
        the next run recalls the rest, each customer once."""
        rep = self.rep_ids[3]
        claimed = fields.Datetime.now() - timedelta(days=40)

        def prepare(env):
            for key, value in (
                ("recall_followup_days", "30"),
                ("recall_deal_days", "0"),
                ("recall_warning_days", "0"),
            ):
                env["ir.config_parameter"].set_param(f"sales_pipeline.{key}", value)
            customers = env["res.partner"].create(
                [
                    {
                        "name": f"Idle {n:02d} {self.suffix}",
                        "is_company": True,
                        "is_customer": True,
                        "user_id": rep,
                    }
                    for n in range(30)
                ]
            )
            customers.write({"claim_date": claimed})
            return customers.ids

        ids = self.committed(prepare)
        # other idle customers (demo data, other tests) must not take the first batches
        others = self.committed(
            lambda env: (
                env["res.partner"]
                .search(
                    env["res.partner"]._recall_due_domain(
                        env["res.partner"]._get_pool_settings(), fields.Datetime.now()
                    )
                    + [("id", "not in", ids)]
                )
                .ids
            )
        )
        self.assertFalse(others, "only this test's customers are idle")
        second_batch_first = sorted(ids)[10]
        locker = self.registry.cursor()
        locker.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [second_batch_first])
        pid, failure = [], []

        def run_cron():
            try:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT pg_backend_pid()")
                    pid.append(cr.fetchone()[0])
                    api.Environment(cr, api.SUPERUSER_ID, {})["res.partner"]._cron_recall_customers(
                        batch_size=10
                    )
            except psycopg2.Error as error:
                failure.append(error)

        thread = threading.Thread(target=run_cron)
        thread.start()
        try:
            self._wait_until_waiting_for_a_lock(locker, pid)
            locker.execute("SELECT pg_terminate_backend(%s)", [pid[0]])
            thread.join(timeout=60)
        finally:
            locker.rollback()
            locker.close()
        self.assertTrue(failure, "the cron lost its connection")

        def pool_state(env):
            customers = env["res.partner"].browse(ids)
            return {
                "pool": len(customers.filtered(lambda c: c.pool_state == "pool")),
                "recall_logs": env["res.partner.pool.log"].search_count(
                    [("partner_id", "in", ids), ("action", "=", "recall")]
                ),
            }

        self.assertEqual(
            self.committed(pool_state),
            {"pool": 10, "recall_logs": 10},
            "the first batch is committed, nothing of the second",
        )
        self.committed(lambda env: env["res.partner"]._cron_recall_customers(batch_size=10))
        self.assertEqual(self.committed(pool_state), {"pool": 30, "recall_logs": 30})

    def _wait_until_waiting_for_a_lock(self, cr, pid, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pid:
                cr.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid[0]])
                row = cr.fetchone()
                if row and row[0] == "Lock":
                    return
            time.sleep(0.1)
        self.fail("the recall cron never reached the locked customer")
