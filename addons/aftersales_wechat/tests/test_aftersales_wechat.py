from odoo.tests import tagged

from odoo.addons.aftersales_visit.tests.common import AftersalesCase
from odoo.addons.wechat_leads.tests.common import WechatCase
from odoo.addons.wechat_leads.tests.wechat_stub import push_xml


@tagged("post_install", "-at_install")
class TestAftersalesWechat(AftersalesCase, WechatCase):
    """Revisits sent on WeChat (a stand-in for WeChat on 127.0.0.1) and complaints filed from
    the official account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_1.method_id = cls.env.ref("aftersales_visit.visit_method_wechat")
        cls.follower = cls.env["wechat.follower"].create(
            {
                "account_id": cls.account.id,
                "openid": "oCustomer0001",
                "subscribed": True,
                "partner_id": cls.customer.id,
            }
        )
        cls.stranger = cls.env["wechat.follower"].create(
            {"account_id": cls.account.id, "openid": "oStranger0001", "subscribed": True}
        )

    def _visit(self):
        return self.Visit.create(
            {
                "flow_id": self.flow.id,
                "stage_id": self.stage_1.id,
                "partner_id": self.customer.id,
                "user_id": self.staff.id,
            }
        )

    def _texts(self):
        return [body["text"]["content"] for kind, body in self.stub.sent if kind == "send"]

    def test_a_wechat_stage_sends_its_questions_and_the_link(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self.assertEqual(len(self.stub.sent), 1)
        text = self._texts()[0]
        self.assertIn("Complete?", text)
        self.assertIn(f"/my/revisits/{visit.id}?access_token={visit.access_token}", text)
        self.assertEqual((visit.send_ids.channel, visit.send_state), ("wechat", "sent"))

    def test_a_template_message_when_the_account_has_one(self):
        self.account.revisit_template_id = "TPL-REVISIT"
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        kind, body = self.stub.sent[0]
        self.assertEqual((kind, body["template_id"]), ("send", "TPL-REVISIT"))
        self.assertEqual(body["url"], visit.answer_url)

    def test_a_refused_or_impossible_send_leaves_the_revisit_due(self):
        self.stub.mode = "errcode"
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self.assertEqual(visit.send_state, "failed")
        self.assertIn("45009", visit.send_error)
        self.assertEqual(visit.state, "open")
        self.follower.subscribed = False
        self.stub.mode = None
        visit.with_user(self.staff).action_send_to_customer()
        self.assertEqual(visit.send_state, "failed")
        self.assertIn("follows none", visit.send_error)

    def test_a_follower_files_a_complaint_with_the_keyword_and_is_told_when_closed(self):
        self.post(
            push_xml("oCustomer0001", msg_type="text", Content="投诉 两箱瓷砖破损", MsgId="9001")
        )
        self.process_queue()
        ticket = self.env["aftersales.ticket"].search(
            [("wechat_follower_id", "=", self.follower.id)]
        )
        self.assertEqual(
            (ticket.ticket_type, ticket.partner_id, ticket.name),
            ("complaint", self.customer, "两箱瓷砖破损"),
        )
        self.assertIn(ticket.number, self._texts()[-1])
        closed = self.env["aftersales.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        ticket.with_user(self.staff).stage_id = closed
        self.assertIn(ticket.number, self._texts()[-1])
        self.assertEqual(len(self._texts()), 2)

    def test_a_follower_of_no_customer_files_nothing(self):
        count = self.env["aftersales.ticket"].search_count([])
        self.post(push_xml("oStranger0001", msg_type="text", Content="投诉 假投诉", MsgId="9002"))
        self.post(push_xml("oCustomer0001", msg_type="text", Content="你好", MsgId="9003"))
        self.process_queue()
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count)
        self.assertEqual(len(self._texts()), 1, "the stranger is asked to get linked")
        self.assertNotIn("假投诉", self._texts()[0])

    def test_the_menu_button_explains_how_to_complain(self):
        self.post(
            push_xml(
                "oCustomer0001", msg_type="event", Event="CLICK", EventKey="AFTERSALES_COMPLAINT"
            )
        )
        self.post(push_xml("oCustomer0001", msg_type="event", Event="CLICK", EventKey="OTHER"))
        self.process_queue()
        self.assertEqual(len(self._texts()), 1)
        self.assertIn("投诉", self._texts()[0])
