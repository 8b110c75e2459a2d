"""Rep B, with a normal login and an RPC client, walks every side door of the trust issue and
finds each one closed; the walk prints what it tried and checks that nothing of rep A's
protected customer (its name, e-mail, city, owner) is in any answer.

The calls go through Odoo's JSON-RPC route (/web/dataset/call_kw), as a browser or a script
would send them, with the context keys a client can add.
"""

import json
import logging

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sales_pipeline.tests.common import MANAGER_GROUPS, REP_GROUPS

_logger = logging.getLogger(__name__)

SECRETS = (
    "Secret Walk Corp",
    "boss@secretwalk.cn",
    "Suzhou Walk",
    "Ms Hidden Walk",
    "hidden@secretwalk.cn",
    "Rep A Walk",
)


@tagged("post_install", "-at_install")
class TestTrustWalk(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.rep_a = new_test_user(
            env, login="walk_rep_a", password="walk_rep_a_pw", groups=REP_GROUPS, name="Rep A Walk"
        )
        cls.rep_b = new_test_user(
            env, login="walk_rep_b", password="walk_rep_b_pw", groups=REP_GROUPS, name="Rep B Walk"
        )
        cls.manager = new_test_user(env, login="walk_manager", groups=MANAGER_GROUPS)
        env["sale.order.approval.rule"].search([]).active = False
        env["sale.order.discount.rule"].search([]).active = False
        cls.secret = env["res.partner"].create(
            {
                "name": "Secret Walk Corp",
                "is_customer": True,
                "is_company": True,
                "user_id": cls.rep_a.id,
                "email": "boss@secretwalk.cn",
                "city": "Suzhou Walk",
            }
        )
        cls.hidden_contact = env["res.partner"].create(
            {"name": "Ms Hidden Walk", "parent_id": cls.secret.id, "email": "hidden@secretwalk.cn"}
        )
        cls.secret.message_subscribe(partner_ids=cls.rep_b.partner_id.ids)
        cls.unassigned_order = env["sale.order"].create(
            {"partner_id": cls.secret.id, "user_id": False}
        )
        cls.secret.with_user(cls.rep_a).action_protect()
        cls.secret.message_post(
            body="Walk price list", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.own = env["res.partner"].create(
            {
                "name": "Walk Own Buyer",
                "is_customer": True,
                "is_company": True,
                "user_id": cls.rep_b.id,
            }
        )
        cls.product = env["product.product"].create({"name": "Walk Pump", "list_price": 100})
        env["sale.order.discount.rule"].create(
            {"tier": "new", "default_discount": 0, "max_discount": 5}
        )
        cls.discounted = env["sale.order"].create(
            {
                "partner_id": cls.own.id,
                "user_id": cls.rep_b.id,
                "require_signature": True,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "discount": 30}),
                ],
            }
        )
        cls.project = env["crm.lead"].create(
            {
                "name": "Walk Project",
                "type": "opportunity",
                "partner_id": cls.own.id,
                "user_id": cls.rep_b.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate("walk_rep_b", "walk_rep_b_pw")
        self.answers = []

    def call(self, model, method, *args, **kwargs):
        """The answer of /web/dataset/call_kw: ("ok", result) or ("error", message)."""
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=30,
        )
        body = response.json()
        self.answers.append(json.dumps(body, ensure_ascii=False))
        if "error" in body:
            return "error", body["error"]["data"]["message"]
        return "ok", body["result"]

    def assertRefused(self, answer, pattern=None):
        self.assertEqual(answer[0], "error", f"refused expected, got {answer[1]!r}")
        if pattern:
            self.assertRegex(answer[1], pattern)

    def assertNothingLeaked(self):
        leaked = [s for s in SECRETS for answer in self.answers if s in answer]
        self.assertFalse(leaked, f"leaked through the answers: {leaked}")
        _logger.info(
            "trust walk: %s answers to rep B, nothing of the protected customer in them",
            len(self.answers),
        )

    def test_walk_every_side_door_as_rep_b(self):
        secret_id, contact_id = self.secret.id, self.hidden_contact.id
        missing = r"Record does not exist or has been deleted"
        # 1. onchange with a protected partner
        for model, spec in (
            (
                "crm.lead",
                {
                    "partner_id": {},
                    "email_from": {},
                    "phone": {},
                    "street": {},
                    "city": {},
                    "user_id": {},
                },
            ),
            ("sale.order", {"partner_id": {}, "partner_invoice_id": {}, "partner_shipping_id": {}}),
        ):
            self.assertRefused(
                self.call(model, "onchange", [], {"partner_id": secret_id}, ["partner_id"], spec),
                missing,
            )
        # 2. linking it to records of one's own, then reading through them
        self.assertRefused(self.call("sale.order", "create", [{"partner_id": contact_id}]), missing)
        self.assertRefused(
            self.call("crm.lead", "write", [self.project.id], {"partner_id": secret_id}), missing
        )
        self.assertRefused(
            self.call(
                "res.partner.followup", "create", [{"partner_id": secret_id, "content": "<p>x</p>"}]
            ),
            missing,
        )
        status, result = self.call(
            "crm.lead",
            "web_read",
            [self.project.id],
            specification={"partner_id": {"fields": {"display_name": {}, "email": {}}}},
            context={"show_email": True, "show_address": True},
        )
        self.assertEqual(status, "ok")
        self.assertEqual(result[0]["partner_id"]["id"], self.own.id)
        # 3. the chatter of a customer it followed before the protection
        status, messages = self.call(
            "mail.message",
            "search_read",
            [("model", "=", "res.partner"), ("res_id", "=", secret_id)],
            ["body"],
        )
        self.assertNotIn("Walk price list", str(messages))
        # 4. documents nobody owns, and the sales analysis
        status, orders = self.call(
            "sale.order", "search_read", [("partner_id", "=", secret_id)], ["name"]
        )
        self.assertEqual((status, orders), ("ok", []))
        status, groups = self.call(
            "sale.report", "formatted_read_group", [], ["partner_id"], ["price_total:sum"]
        )
        self.assertNotIn(secret_id, [g["partner_id"] and g["partner_id"][0] for g in groups])
        # 5. error messages name nothing hidden
        self.assertRefused(
            self.call("res.partner", "action_claim", [secret_id]), "no longer in the public pool"
        )
        self.assertRefused(self.call("res.partner", "action_release", [contact_id]), missing)
        # a hidden customer answers exactly as a missing one: read, web_read, posting
        missing_id = secret_id + 100000
        for method, args, kwargs in (
            ("read", [["name", "email", "city"]], {}),
            ("web_read", [], {"specification": {"name": {}, "email": {}, "user_id": {}}}),
            ("message_post", [], {"body": "Knock knock"}),
        ):
            hidden_answer = self.call("res.partner", method, [secret_id], *args, **kwargs)
            missing_answer = self.call("res.partner", method, [missing_id], *args, **kwargs)
            self.assertEqual(
                str(hidden_answer).replace(str(secret_id), "ID"),
                str(missing_answer).replace(str(missing_id), "ID"),
                f"{method}: a hidden customer answers as a missing one",
            )
        # ids in every form the ORM or PostgreSQL reads as one
        for value in (float(secret_id), {"id": secret_id}, [contact_id, "x"]):
            self.assertRefused(
                self.call(
                    "crm.lead",
                    "onchange",
                    [],
                    {"partner_id": value},
                    ["partner_id"],
                    {"partner_id": {}, "email_from": {}, "city": {}},
                ),
                missing,
            )
        self.assertRefused(
            self.call(
                "crm.lead", "message_subscribe", [self.project.id], partner_ids=[float(contact_id)]
            ),
            missing,
        )
        # who follows a hidden customer is hidden with it
        status, followers = self.call(
            "mail.followers",
            "search_read",
            [("res_model", "=", "res.partner"), ("res_id", "in", [secret_id, contact_id])],
            ["partner_id"],
        )
        self.assertEqual((status, followers), ("ok", []))
        # 6. what another rep sees
        for field in ("visible_user_ids", "document_user_ids", "shared_user_ids"):
            self.assertRefused(self.call("res.partner", "search", [(field, "in", [self.rep_a.id])]))
        # 8. context keys and create/copy/import with an approval written in
        self.assertRefused(
            self.call(
                "sale.order", "create", [{"partner_id": self.own.id, "contract_state": "approved"}]
            ),
            "change only through",
        )
        self.assertRefused(
            self.call(
                "sale.order",
                "create",
                [{"partner_id": self.own.id}],
                context={"default_contract_state": "approved", "confirming_contract": True},
            ),
            "change only through",
        )
        # 9. privileges on a new customer
        self.assertRefused(
            self.call(
                "res.partner",
                "create",
                [
                    {
                        "name": "Walk Premium",
                        "is_customer": True,
                        "user_id": self.rep_b.id,
                        "is_premium_customer": True,
                    }
                ],
            ),
            "Only a sales manager",
        )
        self.assertRefused(
            self.call(
                "res.partner", "write", [self.own.id], {"last_won_date": "2099-01-01 00:00:00"}
            ),
            "change only through",
        )
        # the customer's signature on the portal does not get round the discount approval
        token = self.discounted._portal_ensure_token()
        response = self.opener.post(
            f"{self.base_url()}/my/orders/{self.discounted.id}/accept",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "access_token": token,
                    "name": "Buyer",
                    "signature": "R0lGODlhAQABAAAAACw=",
                },
            },
            timeout=30,
        )
        self.assertIn("error", response.json()["result"])
        self.assertEqual(self.discounted.state, "draft")
        self.assertNothingLeaked()
