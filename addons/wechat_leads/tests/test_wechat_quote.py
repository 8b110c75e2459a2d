import traceback

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import APP_SECRET, WechatCase
from .wechat_stub import push_xml


@tagged("post_install", "-at_install")
class TestWechatQuote(WechatCase):
    def setUp(self):
        super().setUp()
        self.post(push_xml(openid="oQ", Event="subscribe", EventKey="qrscene_rep_a"))
        self.process_queue()
        self.follower = self.Follower.search([("openid", "=", "oQ")])
        self.product = self.env["product.product"].create(
            {"name": "WeChat Widget", "list_price": 80}
        )

    def quote(self):
        action = self.follower.with_user(self.rep_a).action_new_quotation()
        return (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
            .create(
                {
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        )

    def test_one_click_quotation_creates_the_customer(self):
        order = self.quote()
        customer = self.follower.partner_id
        self.assertEqual(
            (order.partner_id, customer.user_id, order.user_id), (customer, self.rep_a, self.rep_a)
        )
        self.assertEqual(order.origin, "WeChat")

    def test_send_the_quote_link_as_text(self):
        order = self.quote()
        self.assertTrue(order.can_send_wechat)
        order.with_user(self.rep_a).action_send_wechat()
        kind, body = self.stub.sent[0]
        self.assertEqual((kind, body["touser"], body["msgtype"]), ("send", "oQ", "text"))
        self.assertIn(f"/my/orders/{order.id}?access_token=", body["text"]["content"])
        self.assertIn("Sent on WeChat", order.message_ids[0].body)

    def test_send_as_template_message_when_configured(self):
        self.account.quote_template_id = "TPL-QUOTE"
        order = self.quote()
        order.with_user(self.rep_a).action_send_wechat()
        kind, body = self.stub.sent[0]
        self.assertEqual(
            (kind, body["template_id"], body["data"]["keyword1"]["value"]),
            ("send", "TPL-QUOTE", order.name),
        )
        self.assertIn("/my/orders/", body["url"])

    def test_no_sending_past_the_discount_approval(self):
        self.env["sale.order.discount.rule"].search([]).active = False
        self.env["sale.order.discount.rule"].create(
            {"tier": "new", "default_discount": 0, "max_discount": 5}
        )
        order = self.quote()
        order.order_line.with_user(self.rep_a).write({"discount": 30})
        with self.assertRaisesRegex(UserError, "a sales manager must approve"):
            order.with_user(self.rep_a).action_send_wechat()
        self.assertFalse(self.stub.sent)

    def test_refused_send_changes_nothing(self):
        order = self.quote()
        self.stub.mode = "errcode"
        messages = len(order.message_ids)
        with self.assertRaisesRegex(UserError, "45009"):
            order.with_user(self.rep_a).action_send_wechat()
        self.assertEqual(len(order.message_ids), messages)

    def test_customer_without_follower_cannot_be_sent_to(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.make_customer("No WeChat", owner=self.rep_a).id}
        )
        self.assertFalse(order.can_send_wechat)
        with self.assertRaisesRegex(UserError, "does not follow"):
            order.with_user(self.rep_a).action_send_wechat()

    def test_unreachable_wechat_tells_the_rep_no_url_nor_token(self):
        order = self.quote()
        order.with_user(self.rep_a).action_send_wechat()
        token = self.account._read_token()[0]
        self.account.sudo().api_base_url = "http://127.0.0.1:9/cgi-bin/"
        with (
            self.capture_logs() as lines,
            self.assertRaisesRegex(UserError, "could not be reached") as caught,
        ):
            order.with_user(self.rep_a).action_send_wechat()
        # what the error dialog shows: the message and its traceback, causes included
        shown = "".join(traceback.format_exception(caught.exception))
        log = "\n".join(lines)
        self.assertIn("access_token=***", log, "the administrators' log tells the call, masked")
        self.assertNotIn("/cgi-bin/", shown, "nor the request")
        for text in (shown, log):
            self.assertNotIn(token, text)
            self.assertNotIn(APP_SECRET, text)
        self.env.flush_all()
        for credential in (token, APP_SECRET):
            self.assertFalse(self.env["mail.message"].search_count([("body", "ilike", credential)]))
