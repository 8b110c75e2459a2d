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
        cls.staff.lang = "en_US"  # the notes are written in the assignee's language
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
        return self.new_visit()

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

    def _text(self, openid, content, msg_id):
        self.post(push_xml(openid, msg_type="text", Content=content, MsgId=msg_id))
        self.process_queue()

    def test_the_follower_answers_the_revisit_with_a_text(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self._text("oCustomer0001", "1.4 2.是 3.很好", "9101")
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.satisfaction, 4)
        self.assertIn("Thank you", self._texts()[-1])
        self.assertIn("on WeChat", " ".join(str(b) for b in visit.message_ids.mapped("body")))

    def test_a_bad_answer_on_wechat_opens_a_complaint(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self._text("oCustomer0001", "2，否", "9102")
        self.assertTrue(visit.escalated)
        self.assertEqual(visit.escalation_ticket_id.partner_id, self.customer)

    def test_an_answer_that_cannot_be_read_gets_the_way_to_answer(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self._text("oCustomer0001", "5", "9103")
        self.assertEqual(visit.state, "open")
        self.assertFalse(any(visit.answer_ids.mapped("score")), "nothing half-written")
        self.assertIn(visit.answer_url, self._texts()[-1])
        sent = len(self._texts())
        self._text("oCustomer0001", "请问发票什么时候寄？", "9104")
        self.assertEqual(len(self._texts()), sent, "a message about something else: no reply")
        self.assertEqual(visit.state, "open")

    def test_nobody_else_answers_a_revisit_on_wechat(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        other = self.make_customer("Other Customer Ltd", owner=self.rep_b)
        self.env["wechat.follower"].create(
            {
                "account_id": self.account.id,
                "openid": "oOther0001",
                "subscribed": True,
                "partner_id": other.id,
            }
        )
        self._text("oStranger0001", "1.1 2.否", "9105")
        self._text("oOther0001", "1.1 2.否", "9106")
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.escalated)
        self.assertFalse(any(visit.answer_ids.mapped("score")))

    def test_a_text_after_the_revisit_is_done_is_only_a_message(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self.answer(visit, score="5")
        visit.with_user(self.staff).action_complete()
        sent = len(self._texts())
        self._text("oCustomer0001", "1.1 2.否", "9107")
        self.assertFalse(visit.escalated)
        self.assertEqual(len(self._texts()), sent)
