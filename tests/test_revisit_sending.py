"""Revisits that send: an SMS stage sends its questions through the company's SMS provider
(Alibaba Cloud, its stand-in on 127.0.0.1), an e-mail stage through the mail server; every send
is recorded with what became of it, a failure leaves the revisit due with the error."""

from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged

from odoo.addons.aftersales_visit.tests.common import AftersalesCase
from odoo.addons.sms_aliyun.tests.aliyun_stub import AliyunSmsMixin


@tagged("post_install", "-at_install")
class TestRevisitSending(AliyunSmsMixin, AftersalesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_aliyun_sms(cls.env.company)
        cls.stage_1.method_id = cls.env.ref("aftersales_visit.visit_method_sms")
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "赵敏",
                "parent_id": cls.customer.id,
                "phone": "+86 138 0013 8000",
                "email": "zhaomin@example.cn",
                "lang": "en_US",
            }
        )

    def setUp(self):
        super().setUp()
        self.stub.mode = None
        self.stub.sent.clear()

    def _visit(self, **vals):
        return self.new_visit(self.contact, **vals)

    def _send_queue(self):
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send()

    def test_an_sms_stage_sends_its_questions_when_it_starts(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self.assertEqual(len(visit.send_ids), 1)
        send = visit.send_ids
        self.assertEqual(
            (send.channel, send.partner_id, send.recipient),
            ("sms", self.contact, "+86 138 0013 8000"),
        )
        self.assertIn("Satisfied with", send.body)
        self.assertIn("Complete?", send.body)
        self.assertFalse(self.stub.sent, "queued: the SMS queue sends it")
        self._send_queue()
        self.assertEqual(len(self.stub.sent), 1)
        self.assertEqual(self.stub.sent[0]["PhoneNumbers"], "13800138000")
        self.assertEqual(send.state, "sent")
        self.stub.reports[self.stub.sent[0]["BizId"]] = (3, "DELIVERED")
        self.env["sms.tracker"]._cron_sms_aliyun_fetch_reports()
        self.assertEqual(send.state, "delivered")
        self.assertEqual(visit.send_state, "delivered")

    def test_a_failed_sms_leaves_the_revisit_due_with_the_error_to_send_again(self):
        visit = self._visit()
        self.stub.mode = "no_credit"
        visit.with_user(self.staff).action_start()
        self._send_queue()
        self.assertEqual(visit.send_state, "failed")
        self.assertIn("账户余额不足", visit.send_error)
        self.assertEqual(visit.state, "open", "still due")
        self.stub.mode = None
        visit.with_user(self.staff).action_send_to_customer()
        self.assertEqual(len(visit.send_ids), 2)
        self.assertEqual(visit.send_state, "sent", "sent at once when staff send it again")
        self.assertEqual(len(self.stub.sent), 1)

    def test_no_number_is_a_failed_send_not_an_error(self):
        self.contact.phone = False
        self.customer.write({"phone": False, "mobile": False})
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self.assertEqual(visit.send_state, "failed")
        self.assertEqual(visit.send_error, "No mobile number.")
        self.assertEqual(visit.state, "open")

    def test_an_email_stage_mails_its_questions(self):
        self.stage_1.method_id = self.env.ref("aftersales_visit.visit_method_email")
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        send = visit.send_ids
        self.assertEqual((send.channel, send.recipient), ("email", "zhaomin@example.cn"))
        message = send.message_id
        self.assertIn(self.contact.id, message.partner_ids.ids)
        self.assertIn("Complete?", str(message.body))
        self.assertEqual(send.state, "sent")

    def test_a_phone_stage_sends_nothing(self):
        self.stage_1.method_id = self.phone
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self.assertFalse(visit.send_ids)
        with self.assertRaises(UserError):
            visit.with_user(self.staff).action_send_to_customer()

    def test_a_rep_sees_no_send_of_a_customer_they_cannot_see(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        Send = self.env["aftersales.visit.send"]
        self.assertFalse(Send.with_user(self.rep_b).search([("visit_id", "=", visit.id)]))
        with self.assertRaises(AccessError):
            visit.send_ids.with_user(self.rep_b).read(["recipient"])
        with self.assertRaises(AccessError):
            Send.with_user(self.rep_a).create({"visit_id": visit.id, "channel": "sms"})
        # the customer behind it answers as missing
        with self.assertRaises(MissingError):
            visit.with_user(self.rep_b).action_send_to_customer()
        self.assertTrue(Send.with_user(self.rep_a).search([("visit_id", "=", visit.id)]))

    def test_a_rep_neither_moves_records_between_customers_nor_reads_their_deliveries(self):
        visit = self._visit()
        visit.with_user(self.staff).action_start()
        self._send_queue()
        other = self.make_customer("Rep B Customer", owner=self.rep_b)
        other_visit = self._visit(partner_id=other.id, contact_id=False, user_id=self.rep_b.id)
        other_visit._start()
        answer = other_visit.answer_ids[:1].with_user(self.rep_b)
        for values in ({"visit_id": visit.id}, {"question": "Call +1-900 for a refund"}):
            with self.subTest(values=values):
                with self.assertRaises(AccessError):
                    answer.write(values)
        ticket = self.env["aftersales.ticket"].create(
            {"name": "A's complaint", "partner_id": self.customer.id, "ticket_type": "complaint"}
        )
        with self.assertRaises(AccessError):
            other_visit.with_user(self.rep_b).write({"escalation_ticket_id": ticket.id})
        Notification = self.env["mail.notification"].with_user(self.rep_b)
        self.assertFalse(Notification.search([("notification_type", "=", "sms")]))
        self.assertTrue(
            self.env["mail.notification"]
            .with_user(self.staff)
            .search([("mail_message_id", "=", visit.send_ids.message_id.id)])
        )
