import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestPortal(AftersalesCase, HttpCase):
    """The customer's side: answering a revisit (signed in or by the link's token) and filing
    suggestions and complaints; nobody else's records, and no access to the models by RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="as_portal", password="as_portal_pw", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.other_customer = cls.make_customer("Other Customer Ltd", owner=cls.rep_b)
        cls.other_user = new_test_user(
            cls.env,
            login="as_portal_other",
            password="as_portal_other_pw",
            groups="base.group_portal",
        )
        cls.other_user.partner_id.parent_id = cls.other_customer
        # revisits sent to the customer are the ones they answer on the portal
        cls.stage_1.method_id = cls.env.ref("aftersales_visit.visit_method_email")

    def _open_visit(self, customer=None):
        visit = self.Visit.create(
            {
                "flow_id": self.flow.id,
                "stage_id": self.stage_1.id,
                "partner_id": (customer or self.customer).id,
                "user_id": self.staff.id,
            }
        )
        visit._start()
        visit._portal_ensure_token()
        return visit

    def _csrf(self, url):
        """The CSRF token of the form on ``url`` (as the current session)."""
        return re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text).group(1)

    def _answer(self, visit, data, token=None):
        page_url = f"/my/revisits/{visit.id}" + (f"?access_token={token}" if token else "")
        csrf = self._csrf(page_url)
        payload = dict(data, csrf_token=csrf, **({"access_token": token} if token else {}))
        return self.url_open(f"/my/revisits/{visit.id}/answer", data=payload)

    def _answers_data(self, visit, score="5", yes_no="yes"):
        data = {}
        for answer in visit.answer_ids:
            kind = answer.answer_type
            data[f"answer_{answer.id}"] = (
                score if kind == "score" else yes_no if kind == "yes_no" else "好"
            )
        return data

    def test_a_customer_answers_by_the_link_without_signing_in(self):
        visit = self._open_visit()
        page = self.url_open(f"/my/revisits/{visit.id}?access_token={visit.access_token}")
        self.assertIn("Complete?", page.text)
        self._answer(visit, self._answers_data(visit), token=visit.access_token)
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.answer_ids.filtered(lambda a: a.answer_type == "score").score, "5")
        self.assertFalse(visit.escalation_ticket_id)
        self.assertRegex(
            "".join(visit.message_ids.mapped("body")), "Answered by the customer|客户已在门户上作答"
        )

    def test_a_bad_answer_on_the_portal_opens_a_complaint(self):
        visit = self._open_visit()
        self.authenticate("as_portal", "as_portal_pw")
        self._answer(visit, self._answers_data(visit, score="1"))
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.escalated)
        self.assertEqual(visit.escalation_ticket_id.ticket_type, "complaint")

    def test_a_required_answer_missing_keeps_the_revisit_open(self):
        visit = self._open_visit()
        data = self._answers_data(visit)
        score = visit.answer_ids.filtered(lambda a: a.answer_type == "score")
        data.pop(f"answer_{score.id}")
        response = self._answer(visit, data, token=visit.access_token)
        self.assertRegex(response.text, r'alert-danger" role="alert">[^<]*Satisfied with')
        self.assertEqual(visit.state, "open")

    def test_nobody_else_opens_or_answers_a_revisit(self):
        visit = self._open_visit()
        for token, login in (("wrong-token", None), (None, "as_portal_other")):
            with self.subTest(token=token, login=login):
                self.authenticate(login, f"{login}_pw" if login else None)
                query = f"?access_token={token}" if token else ""
                page = self.url_open(f"/my/revisits/{visit.id}{query}")
                self.assertNotIn("Complete?", page.text)
                csrf = self._csrf("/my/complaints/new" if login else "/web/login")
                response = self.url_open(
                    f"/my/revisits/{visit.id}/answer",
                    data={
                        **self._answers_data(visit, score="1"),
                        "access_token": token or "",
                        "csrf_token": csrf,
                    },
                )
                self.assertEqual(response.status_code, 200, "past the CSRF check, refused by ours")
                self.assertEqual(visit.state, "open")
        self.authenticate("as_portal_other", "as_portal_other_pw")
        self.assertNotIn(visit.name, self.url_open("/my/revisits").text)
        self.authenticate("as_portal", "as_portal_pw")
        self.assertIn(visit.name, self.url_open("/my/revisits").text)

    def test_a_customer_files_a_complaint_with_a_photo(self):
        self.authenticate("as_portal", "as_portal_pw")
        csrf = self._csrf("/my/complaints/new")
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": csrf,
                "ticket_type": "complaint",
                "name": "包装破损",
                "description": "两箱破损\n请处理",
            },
            files={"attachments": ("photo.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")},
        )
        ticket = self.env["aftersales.ticket"].search([("name", "=", "包装破损")])
        self.assertEqual((ticket.partner_id, ticket.ticket_type), (self.customer, "complaint"))
        self.assertTrue(ticket.sla_deadline)
        self.assertEqual(
            self.env["ir.attachment"]
            .search([("res_model", "=", "aftersales.ticket"), ("res_id", "=", ticket.id)])
            .mapped("name"),
            ["photo.jpg"],
        )
        self.assertIn(ticket.number, response.text)
        self.assertIn(self.portal_user.partner_id, ticket.message_partner_ids)
        self.assertIn(ticket.number, self.url_open("/my/complaints").text)
        # another customer's contact neither sees it listed nor opens it
        self.authenticate("as_portal_other", "as_portal_other_pw")
        self.assertNotIn(ticket.number, self.url_open("/my/complaints").text)
        self.assertNotIn("包装破损", self.url_open(f"/my/complaints/{ticket.id}").text)

    def test_a_complaint_needs_a_kind_and_a_subject(self):
        self.authenticate("as_portal", "as_portal_pw")
        csrf = self._csrf("/my/complaints/new")
        count = self.env["aftersales.ticket"].search_count([])
        for data in (
            {"ticket_type": "care", "name": "x"},
            {"ticket_type": "complaint", "name": " "},
        ):
            with self.subTest(data=data):
                response = self.url_open("/my/complaints/new", data=dict(data, csrf_token=csrf))
                self.assertIn("alert-danger", response.text)
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count)

    def test_portal_users_have_no_access_to_the_models(self):
        self._open_visit()
        for model in ("aftersales.visit", "aftersales.ticket", "aftersales.visit.answer"):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.portal_user).search_read([], ["partner_id"])

    def test_the_customer_is_told_when_their_complaint_is_closed(self):
        self.authenticate("as_portal", "as_portal_pw")
        csrf = self._csrf("/my/complaints/new")
        self.url_open(
            "/my/complaints/new",
            data={"csrf_token": csrf, "ticket_type": "suggestion", "name": "电子版质检报告"},
        )
        ticket = self.env["aftersales.ticket"].search([("name", "=", "电子版质检报告")])
        closed = self.env["aftersales.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        ticket.with_user(self.staff).write(
            {"resolution": "<p>每批货附电子版报告。</p>", "stage_id": closed.id}
        )
        told = ticket.message_ids.filtered(lambda m: self.portal_user.partner_id in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn("每批货附电子版报告", str(told.body))
        self.assertIn("每批货附电子版报告", self.url_open(f"/my/complaints/{ticket.id}").text)

    def test_a_phone_revisit_is_not_answered_on_the_portal(self):
        self.stage_1.method_id = self.phone
        visit = self._open_visit()
        self.authenticate("as_portal", "as_portal_pw")
        self.assertNotIn(visit.name, self.url_open("/my/revisits").text)
        self.assertNotIn("Complete?", self.url_open(f"/my/revisits/{visit.id}").text)

    def test_the_link_shows_the_conversation_not_the_staffs_files_or_activities(self):
        self.authenticate("as_portal", "as_portal_pw")
        csrf = self._csrf("/my/complaints/new")
        self.url_open(
            "/my/complaints/new",
            data={"csrf_token": csrf, "ticket_type": "complaint", "name": "漏发配件"},
        )
        ticket = self.env["aftersales.ticket"].search([("name", "=", "漏发配件")])
        ticket._portal_ensure_token()
        internal = self.env["ir.attachment"].create(
            {
                "name": "cost_sheet.txt",
                "raw": b"cost",
                "res_model": ticket._name,
                "res_id": ticket.id,
            }
        )
        ticket.message_post(
            body="internal", attachment_ids=internal.ids, subtype_xmlid="mail.mt_note"
        )
        ticket.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.staff.id, summary="秘密"
        )
        self.authenticate(None, None)
        result = self.make_jsonrpc_request(
            "/mail/data",
            {
                "fetch_params": [
                    [
                        "mail.thread",
                        {
                            "thread_model": "aftersales.ticket",
                            "thread_id": ticket.id,
                            "request_list": ["attachments", "activities", "followers"],
                            "access_params": {"token": ticket.access_token},
                        },
                    ]
                ]
            },
        )
        text = str(result)
        self.assertNotIn("cost_sheet.txt", text)
        self.assertNotIn("秘密", text)
