"""The deployment kit run with real parts (scripts/deploy-check): the shipped odoo.conf and nginx
site, two Odoo servers on one database (HTTP workers and websocket each), cron workers on both
"hosts", and checks through the proxy as users, browsers and WeChat reach it.

Runs on its own database (a copy of the test database, with the demo); what the checks do is
committed there, through the servers.
"""

import os
import re
import threading
import time
import uuid
from datetime import timedelta

import psycopg2
import requests
import websocket

from odoo import api, fields, sql_db
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from odoo.addons.sales_pipeline.tests.common import MANAGER_GROUPS, REP_GROUPS
from odoo.addons.wechat_leads.tests.wechat_stub import WechatStub, push_xml, sign

from .stack import PROXY_HTTP, SERVERS, SITE_HTTP, SITE_HTTPS, WORK, Stack

PROXY = f"http://127.0.0.1:{PROXY_HTTP}"
SITE = f"https://127.0.0.1:{SITE_HTTPS}"
CERT = str(WORK / "nginx" / "cert.pem")
TOKEN = "deploy-check-token"


@tagged("post_install", "-at_install")
class TestDeployment(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suffix = uuid.uuid4().hex[:6]
        cls.stub = WechatStub().start()
        cls.addClassCleanup(cls.stub.stop)
        cls.ids = cls.committed(cls._prepare)
        cls.replica_port = os.environ.get("DEPLOY_REPLICA_PORT")
        cls.stack = Stack(cls.env.cr.dbname, config["db_port"], cls.replica_port).start()
        cls.addClassCleanup(cls.stack.stop)

    @classmethod
    def base_url(cls):
        return PROXY

    # ------------------------------------------------------------------
    # Committed data (the servers see only what is committed)
    # ------------------------------------------------------------------

    @classmethod
    def committed(cls, function):
        """``function(env)`` in a transaction of its own, committed: what the servers see (the
        registry's cursors share the test's transaction while an HttpCase runs)."""
        with sql_db.db_connect(cls.env.cr.dbname).cursor() as cr:
            return function(api.Environment(cr, api.SUPERUSER_ID, {}))

    @classmethod
    def _prepare(cls, env):
        params = env["ir.config_parameter"]
        for key in ("max_claimed", "reclaim_cooldown_days"):
            params.set_param(f"sales_pipeline.{key}", "0")
        reps = [
            new_test_user(
                env,
                login=f"dc_rep_{n}_{cls.suffix}",
                password=f"dc_rep_{n}_{cls.suffix}",
                groups=REP_GROUPS,
                lang="en_US",
            )
            for n in range(3)
        ]
        managers = [
            new_test_user(
                env,
                login=f"dc_mgr_{n}_{cls.suffix}",
                password=f"dc_mgr_{n}_{cls.suffix}",
                groups=MANAGER_GROUPS,
            )
            for n in range(2)
        ]
        account = env["wechat.account"].create(
            {
                "name": f"Deploy check {cls.suffix}",
                "app_id": f"wx_deploy_{cls.suffix}",
                "app_secret": "deploy-secret",
                "token": TOKEN,
                "encrypt_mode": "plain",
                "api_base_url": cls.stub.url,
                "conversion_trigger": "manual",
                "conversion_target": "scene_owner",
            }
        )
        return {
            "reps": [user.id for user in reps],
            "rep_logins": [user.login for user in reps],
            "managers": [user.id for user in managers],
            "manager_logins": [user.login for user in managers],
            "account": account.id,
            "app_id": account.app_id,
        }

    # ------------------------------------------------------------------
    # Clients
    # ------------------------------------------------------------------

    def login(self, base, login, password=None, verify=True):
        session = requests.Session()
        session.trust_env = False  # loopback: no proxy, and our certificate, not the system's
        session.verify = verify
        response = session.post(
            f"{base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.env.cr.dbname, "login": login, "password": password or login},
            },
            timeout=60,
        )
        response.raise_for_status()
        self.assertTrue(response.json()["result"]["uid"], response.text)
        return session

    def call(self, session, base, model, method, *args, **kwargs):
        response = session.post(
            f"{base}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
            },
            timeout=120,
        )
        response.raise_for_status()
        return response.json()

    def race(self, calls):
        """Run ``calls`` (functions) at once, each in its thread; their results in order."""
        barrier = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def run(index, function):
            barrier.wait()
            results[index] = function()

        threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        return results

    def warm_assets(self, session, path):
        """Have the servers build the page's asset bundles before a browser waits for them (a
        fresh database builds them on first use, which can outlast the tour's patience)."""
        page = session.get(f"{PROXY}{path}", timeout=120)
        page.raise_for_status()
        bundles = set(re.findall(r'"(/web/assets/[^"]+)"', page.text))
        self.assertTrue(bundles, "the page names its asset bundles")
        for bundle in bundles:
            session.get(f"{PROXY}{bundle}", timeout=600).raise_for_status()

    def server_requests(self, pattern):
        """How many requests matching ``pattern`` each Odoo server logged."""
        return [
            len(re.findall(pattern, self.stack.log(f"odoo-{n + 1}.log")))
            for n in range(len(SERVERS))
        ]

    def wait_until(self, condition, timeout=120, message="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(1)
        self.fail(f"{message} not met within {timeout} s")

    # ------------------------------------------------------------------
    # The shipped site
    # ------------------------------------------------------------------

    def test_the_shipped_https_site_serves_odoo_as_its_guide_says(self):
        redirect = requests.get(
            f"http://127.0.0.1:{SITE_HTTP}/web/login", allow_redirects=False, timeout=30
        )
        self.assertEqual(redirect.status_code, 301)
        self.assertEqual(redirect.headers["Location"], f"{SITE}/web/login")
        session = self.login(SITE, self.ids["manager_logins"][0], verify=CERT)
        cookie = next(c for c in session.cookies if c.name == "session_id")
        self.assertTrue(cookie.secure, "the session cookie is sent over HTTPS only")
        page = session.get(f"{SITE}/odoo", timeout=60)
        self.assertEqual(page.status_code, 200)
        self.assertIn("max-age=31536000", page.headers["Strict-Transport-Security"])
        count = self.call(session, SITE, "res.partner", "search_count", [])
        self.assertGreater(count["result"], 0)
        listing = session.post(
            f"{SITE}/web/database/list", json={"jsonrpc": "2.0", "params": {}}, timeout=30
        ).json()
        self.assertIn("error", listing, "list_db = False: no database list")
        self.assertNotIn(self.env.cr.dbname, session.get(f"{SITE}/web/database/manager").text)
        static = session.get(f"{SITE}/web/static/img/favicon.ico", timeout=30)
        self.assertIn("max-age=31536000", static.headers["Strict-Transport-Security"])
        # another host name gets no answer, over HTTP and HTTPS: Odoo's links keep ours
        for url in (f"http://127.0.0.1:{SITE_HTTP}/web/login", f"{SITE}/web/login"):
            with self.assertRaises(requests.ConnectionError, msg=url):
                requests.get(url, headers={"Host": "evil.example"}, verify=CERT, timeout=30)

    def test_both_servers_answer_behind_the_proxy(self):
        marker = uuid.uuid4().hex[:8]
        for _ in range(24):
            requests.get(f"{PROXY}/web/login?check={marker}", timeout=30).raise_for_status()
        served = self.server_requests(rf"GET /web/login\?check={marker}")
        self.assertEqual(sum(served), 24)
        self.assertTrue(all(served), f"requests per server: {served}")

    def test_read_requests_go_to_the_replica(self):
        self.assertTrue(self.replica_port, "scripts/deploy-check starts a streaming replica")
        session = self.login(PROXY, self.ids["rep_logins"][0])

        def transactions():
            return self.replica_query(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database"
                " WHERE datname = current_database()"
            )

        before = transactions()
        spec = {"display_name": {}, "pool_state": {}}
        for _ in range(20):
            result = self.call(
                session,
                PROXY,
                "res.partner",
                "web_search_read",
                domain=[("is_customer", "=", True)],
                specification=spec,
                limit=80,
            )
            self.assertNotIn("error", result)
        # each server process reports its statistics when idle, within about ten seconds
        self.wait_until(
            lambda: transactions() - before >= 20,
            timeout=30,
            message="the replica counts the twenty list reads",
        )
        self.assertIn("replica", self.stack.log("odoo-1.conf") + self.stack.log("odoo-2.conf"))

    def test_a_bundle_built_while_the_replica_lags_is_served(self):
        """A page's asset bundle missing on a read-only request is built on the primary; a replica
        that has not replayed it yet must not turn the request into a 404."""
        self.assertTrue(self.replica_port, "scripts/deploy-check starts a streaming replica")
        page = requests.get(f"{PROXY}/web/login", timeout=60)
        page.raise_for_status()
        bundle = sorted(set(re.findall(r'"(/web/assets/[^"]+\.min\.css)"', page.text)))[0]
        filename = bundle.rsplit("/", 1)[1]

        def drop_bundle(env):
            env["ir.attachment"].search(
                [("res_model", "=", "ir.ui.view"), ("url", "=like", f"/web/assets/%/{filename}")]
            ).unlink()

        self.committed(drop_bundle)
        self.wait_until(
            lambda: (
                not self.replica_query(
                    "SELECT count(*) FROM ir_attachment WHERE url LIKE %s",
                    [f"/web/assets/%/{filename}"],
                )
            ),
            message="the replica replays the dropped bundle",
        )
        self.replica_query("ALTER SYSTEM SET recovery_min_apply_delay = '4s'", reload=True)
        try:
            response = requests.get(f"{PROXY}{bundle}", timeout=300)
        finally:
            self.replica_query("ALTER SYSTEM RESET recovery_min_apply_delay", reload=True)
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertIn("text/css", response.headers["Content-Type"])
        self.assertGreater(len(response.content), 1000)

    def replica_query(self, query, params=(), reload=False):
        """Run ``query`` on the replica (autocommit: ALTER SYSTEM too); its first value."""
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.replica_port, user="odoo", dbname=self.env.cr.dbname
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cr:
                cr.execute(query, params)
                value = cr.fetchone()[0] if cr.description else None
                if reload:
                    cr.execute("SELECT pg_reload_conf()")
                return value
        finally:
            connection.close()

    def test_static_files_come_from_disk_with_a_cache_lifetime(self):
        response = requests.get(f"{PROXY}/web/static/img/favicon.ico", timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Expires", response.headers)
        ours = requests.get(f"{PROXY}/sales_pipeline/static/description/icon.png", timeout=30)
        self.assertEqual(ours.status_code, 200)
        self.assertEqual(self.server_requests(r"GET /web/static/img/favicon.ico"), [0, 0])

    def test_the_bus_websocket_connects_through_the_proxy(self):
        session = self.login(PROXY, self.ids["rep_logins"][2])
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        socket = websocket.create_connection(
            f"ws://127.0.0.1:{PROXY_HTTP}/websocket", cookie=cookie, origin=PROXY, timeout=30
        )
        self.addCleanup(socket.close)
        socket.send('{"event_name": "subscribe", "data": {"channels": [], "last": 0}}')
        marker = uuid.uuid4().hex

        def notify(env):
            rep = env["res.users"].browse(self.ids["reps"][2])
            env["bus.bus"]._sendone(rep.partner_id, "deploy_check/ping", {"marker": marker})

        time.sleep(1)
        self.committed(notify)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if marker in socket.recv():
                break
        else:
            self.fail("the notification sent on the bus never reached the websocket")

    def test_a_tour_runs_in_a_browser_through_the_proxy(self):
        rep_login = self.ids["rep_logins"][0]

        def prepare(env):
            customer = env["res.partner"].create(
                {"name": "Tour Pool Customer", "is_company": True, "is_customer": True}
            )
            env["res.partner.followup.template"].create(
                {"name": "Tour Template", "body": "<p>Tour follow-up text</p>"}
            )
            return customer.id

        customer_id = self.committed(prepare)
        # signed in through the proxy like a user, not with the test framework's session
        session = self.login(PROXY, rep_login)
        self.warm_assets(session, "/odoo/action-sales_pipeline.res_partner_action_pool?debug=tests")
        self.start_tour(
            "/odoo/action-sales_pipeline.res_partner_action_pool?debug=tests",
            "sales_pipeline_claim_and_follow_up",
            cookies={"session_id": session.cookies["session_id"]},
        )

        def outcome(env):
            customer = env["res.partner"].browse(customer_id)
            return customer.user_id.login, customer.followup_ids.mapped("content")

        owner, followups = self.committed(outcome)
        self.assertEqual(owner, rep_login)
        self.assertIn("Tour follow-up text", str(followups))
        self.assertTrue(all(self.server_requests(r"POST /web/dataset/call_kw")))

    # ------------------------------------------------------------------
    # WeChat pushes spread over both servers
    # ------------------------------------------------------------------

    def test_wechat_pushes_through_the_proxy_are_kept_once_and_processed(self):
        app_id, base = self.ids["app_id"], uuid.uuid4().int % 10**12
        pushes = [
            push_xml(f"oDeploy{n:04d}", msg_type="text", Content=f"你好 {n}", MsgId=str(base + n))
            for n in range(40)
        ]

        def post(xml):
            timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
            return requests.post(
                f"{PROXY}/wechat/callback/{app_id}",
                params={
                    "timestamp": timestamp,
                    "nonce": nonce,
                    "signature": sign(TOKEN, timestamp, nonce),
                },
                data=xml.encode(),
                headers={"Content-Type": "text/xml"},
                timeout=30,
            ).status_code

        # every push twice, at once: WeChat retries when an answer is late
        statuses = self.race([lambda xml=xml: post(xml) for xml in pushes + pushes])
        self.assertEqual(set(statuses), {200}, statuses)
        self.assertTrue(all(self.server_requests(rf"POST /wechat/callback/{app_id}")))
        # a push is stored on the primary at once: never tried on the replica first (Odoo's
        # request log ends with the cursor: rw, or ro->rw when a read-only try had to write)
        pushed = rf'POST /wechat/callback/{app_id}\?\S* HTTP/[\d.]+" 200 - \d+ [\d.]+ [\d.]+'
        self.assertEqual(sum(self.server_requests(pushed + " rw")), 80)
        self.assertEqual(self.server_requests(pushed + r" ro->rw"), [0, 0])
        self.stack.start_cron_workers(2)
        self.addCleanup(self.stack.stop_cron_workers)

        def states(env):
            messages = env["wechat.message"].search([("account_id", "=", self.ids["account"])])
            return sorted(messages.mapped("state")), len(messages.follower_id)

        self.wait_until(
            lambda: self.committed(states)[0] == ["done"] * 40,
            timeout=180,
            message="40 pushes processed",
        )
        self.assertEqual(self.committed(states), (["done"] * 40, 40))

    # ------------------------------------------------------------------
    # Races across the two servers
    # ------------------------------------------------------------------

    def test_a_claim_through_both_servers_has_one_winner(self):
        def prepare(env):
            return [
                env["res.partner"]
                .create(
                    {
                        "name": f"Raced Customer {self.suffix} {n}",
                        "is_company": True,
                        "is_customer": True,
                    }
                )
                .id
                for n in range(5)
            ]

        customer_ids = self.committed(prepare)
        logins = self.ids["rep_logins"][1:3]
        bases = [f"http://127.0.0.1:{http}" for http, _gevent in SERVERS]
        sessions = [self.login(base, login) for base, login in zip(bases, logins, strict=True)]
        for customer_id in customer_ids:
            self.race(
                [
                    lambda s=session, b=base, c=customer_id: self.call(
                        s, b, "res.partner", "action_claim", [c]
                    )
                    for session, base in zip(sessions, bases, strict=True)
                ]
            )

        def claims(env):
            return [
                (
                    env["res.partner"].browse(c).user_id.id,
                    env["res.partner"].browse(c).pool_log_ids.mapped("action"),
                )
                for c in customer_ids
            ]

        for owner, actions in self.committed(claims):
            self.assertIn(owner, self.ids["reps"][1:3])
            self.assertEqual(actions, ["claim"])

    def test_an_approval_decided_on_both_servers_is_decided_once(self):
        def prepare(env):
            group = env["res.groups"].create(
                {
                    "name": f"Deploy approvers {self.suffix}",
                    "user_ids": [(6, 0, self.ids["managers"])],
                }
            )
            rule = env["sale.order.approval.rule"].create(
                {
                    "name": f"Deploy rule {self.suffix}",
                    "min_amount": 1,
                    "level_ids": [(0, 0, {"approver_type": "group", "group_id": group.id})],
                }
            )
            rep = env["res.users"].browse(self.ids["reps"][2])
            customer = env["res.partner"].create(
                {"name": f"Approval Customer {self.suffix}", "is_customer": True, "user_id": rep.id}
            )
            product = env["product.product"].create(
                {"name": f"Deploy Widget {self.suffix}", "list_price": 1000, "taxes_id": []}
            )
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": rep.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
                }
            )
            order.with_user(rep).action_submit_contract()
            rule.active = False
            return order.id

        order_id = self.committed(prepare)
        bases = [f"http://127.0.0.1:{http}" for http, _gevent in SERVERS]
        sessions = [
            self.login(base, login)
            for base, login in zip(bases, self.ids["manager_logins"], strict=True)
        ]
        self.race(
            [
                lambda s=session, b=base: self.call(
                    s, b, "sale.order", "action_approve_contract", [order_id]
                )
                for session, base in zip(sessions, bases, strict=True)
            ]
        )

        def decided(env):
            order = env["sale.order"].browse(order_id)
            return (
                order.contract_state,
                len(order.contract_approval_ids.filtered(lambda s: s.state == "approved")),
            )

        self.assertEqual(self.committed(decided), ("approved", 1))

    def test_the_crons_on_two_workers_do_each_thing_once(self):
        def prepare(env):
            params = env["ir.config_parameter"]
            self.saved_recall = params.get_param("sales_pipeline.recall_followup_days")
            params.set_param("sales_pipeline.recall_followup_days", "30")
            rep = env["res.users"].browse(self.ids["reps"][0])
            long_ago = fields.Datetime.now() - timedelta(days=90)
            customers = env["res.partner"].create(
                [
                    {
                        "name": f"Idle Customer {self.suffix} {n}",
                        "is_company": True,
                        "is_customer": True,
                        "user_id": rep.id,
                    }
                    for n in range(30)
                ]
            )
            env.flush_all()
            env.cr.execute(
                "UPDATE res_partner SET last_followup_date = %s, claim_date = %s WHERE id IN %s",
                (long_ago, long_ago, tuple(customers.ids)),
            )
            env.invalidate_all()
            flow = env.ref("aftersales_visit.visit_flow_delivery")
            visits = env["aftersales.visit"].create(
                [
                    {
                        "flow_id": flow.id,
                        "stage_id": flow.stage_ids[0].id,
                        "partner_id": customer.id,
                        "scheduled_date": fields.Date.today(),
                    }
                    for customer in customers[:20]
                ]
            )
            now = fields.Datetime.now()
            for xmlid in (
                "sales_pipeline.ir_cron_recall_customers",
                "aftersales_visit.ir_cron_start_due_visits",
            ):
                env.ref(xmlid).write({"nextcall": now, "active": True})
            return customers.ids, visits.ids

        customer_ids, visit_ids = self.committed(prepare)
        self.addCleanup(
            self.committed,
            lambda env: env["ir.config_parameter"].set_param(
                "sales_pipeline.recall_followup_days", self.saved_recall or "0"
            ),
        )
        self.stack.start_cron_workers(2)
        self.addCleanup(self.stack.stop_cron_workers)

        def outcome(env):
            customers = env["res.partner"].browse(customer_ids)
            visits = env["aftersales.visit"].browse(visit_ids)
            return (
                [
                    len(c.pool_log_ids.filtered(lambda log: log.action == "recall"))
                    for c in customers
                ],
                visits.mapped("state"),
                [len(v.activity_ids) for v in visits],
            )

        self.wait_until(
            lambda: (
                set(self.committed(outcome)[1]) == {"open"}
                and set(self.committed(outcome)[0]) == {1}
            ),
            timeout=240,
            message="customers recalled and revisits opened",
        )
        time.sleep(5)  # a second worker would act by now
        recalls, states, activities = self.committed(outcome)
        self.assertEqual(recalls, [1] * 30, "each customer recalled once")
        self.assertEqual(states, ["open"] * 20)
        self.assertEqual(activities, [1] * 20, "each revisit opened once")
        cron_logs = self.stack.log("cron-1.log") + self.stack.log("cron-2.log")
        for job in self.committed(
            lambda env: [
                env.ref(xmlid).cron_name
                for xmlid in (
                    "sales_pipeline.ir_cron_recall_customers",
                    "aftersales_visit.ir_cron_start_due_visits",
                )
            ]
        ):
            self.assertNotRegex(cron_logs, rf"Job '{re.escape(job)}' \(\d+\) .*failed")
