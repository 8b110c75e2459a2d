import time

from odoo.exceptions import AccessError
from odoo.tests import tagged, test_cursor

from .common import APP_SECRET, WechatCase

UNREACHABLE = "http://127.0.0.1:9/cgi-bin/"


@tagged("post_install", "-at_install")
class TestSecrets(WechatCase):
    """The AppSecret and the access token stay out of stored errors, logs and messages; error
    details are for administrators; the token is fetched with a timeout and no lock held."""

    def assert_no_credential(self, *texts, token=None):
        for text in texts:
            self.assertNotIn(APP_SECRET, text)
            if token:
                self.assertNotIn(token, text)

    def test_unreachable_api_error_and_log_carry_no_app_secret(self):
        self.account.sudo().api_base_url = UNREACHABLE
        with self.capture_logs() as lines:
            self.sync()
        error, log = self.account.sync_error, "\n".join(lines)
        self.assertIn("ConnectionError", error)
        self.assertIn("secret=***", error, "the administrators see the call, its secret masked")
        self.assertIn("WeChat sync of wx_test_app_0001 failed", log)
        self.assert_no_credential(error, log)

    def test_access_token_is_kept_out_of_errors_and_logs(self):
        self.stub.add_followers(1)
        with self.capture_logs() as lines:
            self.sync()
        token = self.account._read_token()[0]
        self.assertEqual(token, "TOKEN-1")
        calls = "\n".join(line for line in lines if line.startswith("urllib3"))
        self.assertIn("/cgi-bin/token?", calls, "the HTTP client logs the URLs it requests")
        self.assertIn("access_token=***", calls)
        self.account.sudo().api_base_url = UNREACHABLE
        with self.capture_logs() as failed_lines:
            self.sync()
        error = self.account.sync_error
        self.assertIn("access_token=***", error)
        self.assert_no_credential(error, "\n".join(lines + failed_lines), token=token)

    def test_reps_and_managers_cannot_read_error_details(self):
        self.stub.mode = "errcode"
        self.sync()
        self.assertIn("45009", self.account.sync_error, "the administrators see why")
        follower = self.Follower.create({"account_id": self.account.id, "openid": "oErr"})
        push = self.Message.create(
            {
                "account_id": self.account.id,
                "dedupe_key": "err-1",
                "openid": "oErr",
                "follower_id": follower.id,
                "error": "details",
                "state": "error",
            }
        )
        for user in (self.rep_a, self.manager):
            with self.subTest(user.name):
                account = self.as_user(self.account, user)
                self.assertEqual(account.name, "Test account")
                self.assertNotIn("sync_error", account.fields_get())
                with self.assertRaises(AccessError):
                    account.read(["sync_error"])
                with self.assertRaises(AccessError):
                    account.action_sync_now()
                with self.assertRaises(AccessError):
                    self.env["wechat.account.token"].with_user(user).search_count([])
                self.assertEqual(self.as_user(push, user).state, "error")
                with self.assertRaises(AccessError):
                    self.as_user(push, user).read(["error"])

    def test_token_request_times_out(self):
        self.stub.add_followers(1)
        self.stub.mode, self.stub.delay = "slow_token", 10.5
        # the tests raise any request timeout under 10 s to 10 s: the stub waits longer
        with self.assertLogs("odoo.addons.wechat_leads.models.wechat_account", "WARNING"):
            self.sync(wechat_timeout=1)
        self.assertIn("Timeout", self.account.sync_error)
        self.assertFalse(self.Follower.search([("account_id", "=", self.account.id)]))
        deadline = time.monotonic() + 5  # let the stub finish its late answer
        while not self.stub.token_count and time.monotonic() < deadline:
            time.sleep(0.1)

    def test_token_fetched_meanwhile_by_another_worker_wins(self):
        self.stub.add_followers(2)
        expires = int(time.time()) + 7000
        seen = {}

        def another_worker_refreshes():
            # while this worker waits for WeChat's answer, no cursor of it is open but the
            # job's own: no transaction holds the token row over the network call
            seen["cursors"] = len(test_cursor.TestCursor._cursors_stack)
            with self.cr._cnx.cursor() as cr:
                cr.execute(
                    "INSERT INTO wechat_account_token (account_id, access_token, expires_at) "
                    "VALUES (%s, %s, %s)",
                    [self.account.id, "TOKEN-OTHER", expires],
                )
            self.stub.valid_tokens.add("TOKEN-OTHER")

        self.stub.on_token = another_worker_refreshes
        self.sync()
        self.assertFalse(self.account.sync_error)
        self.assertEqual(seen["cursors"], 1)
        self.assertEqual(self.stub.token_count, 1)
        self.assertEqual(self.account._read_token(), ("TOKEN-OTHER", expires), "kept, whole")
        used = {
            params.get("access_token")
            for path, params, _body in self.stub.calls
            if not path.endswith("/token")
        }
        self.assertEqual(used, {"TOKEN-OTHER"}, "this worker uses the stored token too")
        self.assertEqual(len(self.Follower.search([("account_id", "=", self.account.id)])), 2)
