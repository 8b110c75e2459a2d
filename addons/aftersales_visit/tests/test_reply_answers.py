import contextlib
from unittest import TestCase

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools.reply_answers import (
    looks_like_answers,
    read_score,
    read_yes_no,
    reply_text,
    split_answers,
)
from .common import AftersalesCase


class TestReadingReplies(TestCase):
    """Answers read from a text reply, as customers write them."""

    def test_numbered_answers(self):
        self.assertEqual(split_answers("1.5 2.是 3.送货很快", 3), ["5", "是", "送货很快"])
        self.assertEqual(split_answers("1、4\n2、否", 2), ["4", "否"])
        self.assertEqual(split_answers("1.5 3.ok", 3), ["5", None, "ok"], "2 left out")

    def test_answers_in_order(self):
        self.assertEqual(split_answers("5，是，送货很快", 3), ["5", "是", "送货很快"])
        self.assertEqual(split_answers("5\n否\n还行", 3), ["5", "否", "还行"])
        self.assertEqual(split_answers("5 是", 2), ["5", "是"])
        self.assertEqual(split_answers("很好，谢谢", 1), ["很好，谢谢"], "one question: all")

    def test_the_last_answers_may_be_left_out(self):
        self.assertEqual(split_answers("1\n否", 3), ["1", "否", None])
        self.assertEqual(split_answers("5 是", 3), ["5", "是", None])

    def test_what_cannot_be_split_is_not_guessed(self):
        self.assertIsNone(split_answers("3. a 1. b", 3), "numbers out of order")
        self.assertIsNone(split_answers("1.5 9.是", 3), "no question 9")
        self.assertIsNone(split_answers("", 2))

    def test_the_quoted_original_of_an_email_is_left_out(self):
        text = "1.4 2.是\n\n> 1. 您对本次交付是否满意？\n> 2. 货物是否完整？"
        self.assertEqual(reply_text(text), "1.4 2.是")
        text = "5，是\n\n在 2026年12月1日，售后 写道：\n1. 您满意吗"
        self.assertEqual(split_answers(text, 2), ["5", "是"])

    def test_scores_and_yes_no(self):
        for value, score in [("5", "5"), ("4分", "4"), ("五", "5"), ("非常不满意", "1")]:
            self.assertEqual(read_score(value), score, value)
        for value, score in [("满意", "4"), ("一般", "3"), ("6", None), ("10", None)]:
            self.assertEqual(read_score(value), score, value)
        for value, answer in [("是", "yes"), ("Yes", "yes"), ("不是", "no"), ("否", "no")]:
            self.assertEqual(read_yes_no(value), answer, value)
        self.assertIsNone(read_yes_no("也许"))

    def test_a_sentence_is_not_an_answer(self):
        self.assertIsNone(read_score("5月1日前休假"))
        self.assertIsNone(read_score("1号到3号出差"))
        self.assertIsNone(read_yes_no("有事请联系同事"))
        self.assertIsNone(read_yes_no("不方便接电话"))

    def test_long_lines_are_read_in_linear_time(self):
        self.assertEqual(reply_text(" " * 200000 + "x"), "x")

    def test_what_looks_like_answers(self):
        self.assertTrue(looks_like_answers("5 好"))
        self.assertTrue(looks_like_answers("满意"))
        self.assertFalse(looks_like_answers("请问发票什么时候寄？"))


@tagged("post_install", "-at_install")
class TestEmailReplies(AftersalesCase):
    """A reply to the revisit e-mail answers it, when it comes from the customer and can be
    read; anything else stays in the chatter for staff and changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_1.method_id = cls.env.ref("aftersales_visit.visit_method_email")
        cls.staff.lang = "en_US"  # the notes are written in the assignee's language
        cls.contact = cls.env["res.partner"].create(
            {"name": "赵敏", "parent_id": cls.customer.id, "email": "zhaomin@example.cn"}
        )

    def _sent_visit(self):
        visit = self.new_visit(self.contact)
        visit.with_user(self.staff).action_start()
        self.assertEqual(visit.send_ids.channel, "email")
        return visit

    def _reply(
        self,
        visit,
        body,
        sender="赵敏 <zhaomin@example.cn>",
        number=1,
        headers="",
        user=None,
        subject=None,
    ):
        parent = visit.send_ids.message_id.message_id
        raw = (
            f"From: {sender}\r\n"
            f"To: catchall@example.com\r\n"
            f"Subject: {subject or 'Re: ' + visit.name}\r\n"
            f"Message-ID: <reply-{visit.id}-{number}@example.cn>\r\n"
            f"In-Reply-To: {parent}\r\n"
            f"References: {parent}\r\n"
            f"{headers}"
            "MIME-Version: 1.0\r\n"
            'Content-Type: text/plain; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            f"{body}\r\n"
        )
        gateway = self.env["mail.thread"].with_user(user) if user else self.env["mail.thread"]
        gateway.message_process(False, raw.encode())

    def _notes(self, visit):
        return " ".join(str(body) for body in visit.message_ids.mapped("body"))

    def test_the_customers_reply_answers_the_revisit(self):
        visit = self._sent_visit()
        self._reply(visit, "1.5 2.是 3.送货很快\n\n> Satisfied with ?")
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.satisfaction, 5)
        self.assertEqual(visit.answer_ids.sorted("sequence").mapped("text")[2], "送货很快")
        self.assertIn("Answered by the customer in an e-mail reply.", self._notes(visit))
        self.assertTrue(visit.next_visit_id, "the flow goes on as when staff complete it")

    def test_the_note_is_in_the_assignees_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.staff.lang = "zh_CN"
        visit = self._sent_visit()
        self._reply(visit, "1.5 2.是")
        self.assertIn("客户通过回复邮件作答", self._notes(visit))

    def test_a_bad_answer_by_reply_opens_a_complaint(self):
        visit = self._sent_visit()
        self._reply(visit, "1\n否")
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.escalated)
        self.assertEqual(visit.escalation_ticket_id.ticket_type, "complaint")

    def test_an_unreadable_reply_changes_nothing_and_tells_staff(self):
        visit = self._sent_visit()
        self._reply(visit, "请问发票什么时候寄？")
        self.assertEqual(visit.state, "open")
        self.assertFalse(any(visit.answer_ids.mapped("score")))
        self.assertIn("could not be read as answers", self._notes(visit))
        self.assertIn("请问发票什么时候寄", self._notes(visit), "the reply stays in the chatter")

    def test_a_reply_missing_a_required_answer_changes_nothing(self):
        visit = self._sent_visit()
        self._reply(visit, "1.5 3.很好")
        self.assertEqual(visit.state, "open")
        self.assertFalse(any(visit.answer_ids.mapped("score")), "nothing half-written")

    def test_a_reply_from_someone_else_answers_nothing(self):
        visit = self._sent_visit()
        self._reply(visit, "1.1 2.否", sender="Mallory <mallory@example.com>")
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.escalated)
        self.assertFalse(any(visit.answer_ids.mapped("score")))

    def test_a_reply_to_a_closed_revisit_changes_nothing(self):
        visit = self._sent_visit()
        self._reply(visit, "1.5 2.是")
        self.assertEqual(visit.state, "done")
        answers = visit.answer_ids.read(["score", "yes_no"])
        self._reply(visit, "1.1 2.否", number=2)
        self.assertEqual(visit.answer_ids.read(["score", "yes_no"]), answers)
        self.assertFalse(visit.escalated)

    def test_a_reply_to_a_phone_revisit_is_not_read_as_answers(self):
        visit = self._sent_visit()
        self.stage_1.method_id = self.phone
        self._reply(visit, "1.5 2.是")
        self.assertEqual(visit.state, "open")

    def test_an_out_of_office_reply_answers_nothing(self):
        visit = self._sent_visit()
        self._reply(visit, "1.5 2.是", headers="Auto-Submitted: auto-replied\r\n")
        self.assertEqual(visit.state, "open")
        self._reply(
            visit,
            "1.5 2.是",
            number=4,
            headers="Auto-Submitted: no\r\nAuto-Submitted: auto-replied\r\n",
        )
        self._reply(visit, "1.5 2.是", number=5, subject=f"自动回复: Re: {visit.name}")
        self._reply(visit, "5月1日前休假，有事请联系同事。", number=2)
        self._reply(visit, "1号到3号出差，不方便接电话", number=3)
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.escalated)
        self.assertFalse(any(visit.answer_ids.mapped("score")))

    def test_a_user_calling_the_gateway_methods_answers_nothing(self):
        visit = self._sent_visit()
        self.customer.user_id = self.rep_a
        with contextlib.suppress(AccessError):
            self._reply(visit, "1.1 2.否", user=self.rep_a)
        with contextlib.suppress(AccessError):
            self.env["mail.thread"].with_user(self.rep_a).with_context(
                mail_incoming_trusted_gateway=True
            ).message_process(
                "aftersales.visit",
                "From: zhaomin@example.cn\r\nSubject: x\r\nMessage-ID: <forged@x>\r\n"
                "\r\n1.1 2.否\r\n",
                thread_id=visit.id,
            )
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.escalated)
        visit.with_user(self.rep_a).message_update(
            {"email_from": "zhaomin@example.cn", "body": "1.1 2.否"}
        )
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.escalated)
