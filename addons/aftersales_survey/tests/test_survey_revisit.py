from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.aftersales_visit.tests.common import AftersalesCase


@tagged("post_install", "-at_install")
class TestSurveyRevisit(AftersalesCase, HttpCase):
    """A survey stage sends each customer their own survey link; the submitted survey fills the
    revisit and completes it, a bad answer escalating as when staff type it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "赵敏", "parent_id": cls.customer.id, "email": "zhaomin@example.cn"}
        )
        cls.template.with_user(cls.as_manager).action_create_survey()
        cls.staff.lang = "en_US"  # the notes are written in the assignee's language
        cls.survey = cls.template.survey_id
        cls.email = cls.env.ref("aftersales_visit.visit_method_email")
        cls.stage_1.write(
            {
                "method_id": cls.env.ref("aftersales_visit.visit_method_survey").id,
                "survey_send_method_id": cls.email.id,
            }
        )
        cls.q_score, cls.q_complete, cls.q_remarks = cls.template.question_ids.mapped(
            "survey_question_id"
        )

    def _sent_visit(self):
        visit = self.new_visit(self.contact)
        visit.with_user(self.staff).action_start()
        return visit

    def _submit(self, visit, score, complete, remarks="很好"):
        """Answer the survey over HTTP, as the customer's browser does from the link."""
        survey_input = visit.sudo().survey_input_id
        token = survey_input.access_token
        page = self.url_open(visit.answer_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.survey.title, page.text)
        base = f"/survey/%s/{self.survey.access_token}/{token}"
        self.url_open(base % "begin", json={"params": {}}).raise_for_status()
        choice = self.q_complete.suggested_answer_ids.sorted("sequence")[0 if complete else 1]
        answers = {
            str(self.q_score.id): str(score),
            str(self.q_complete.id): str(choice.id),
            str(self.q_remarks.id): remarks,
        }
        response = self.url_open(base % "submit", json={"params": answers})
        response.raise_for_status()
        self.assertNotIn("error", str(response.json().get("result")))
        self.env.invalidate_all()
        return survey_input

    def _notes(self, visit):
        return " ".join(str(body) for body in visit.message_ids.mapped("body"))

    def test_create_survey_asks_the_templates_questions(self):
        self.assertEqual(
            (self.survey.access_mode, self.survey.questions_layout), ("token", "one_page")
        )
        self.assertEqual(
            [
                self.q_score.question_type,
                self.q_complete.question_type,
                self.q_remarks.question_type,
            ],
            ["scale", "simple_choice", "text_box"],
        )
        self.assertEqual((self.q_score.scale_min, self.q_score.scale_max), (1, 5))
        self.assertEqual(self.q_score.title, "Satisfied with your order?", "no raw placeholder")
        self.assertEqual(
            self.q_complete.suggested_answer_ids.sorted("sequence").mapped("value"), ["Yes", "No"]
        )
        self.assertEqual(
            [self.q_score.constr_mandatory, self.q_remarks.constr_mandatory], [True, False]
        )
        with self.assertRaises(UserError):
            self.template.with_user(self.as_manager).action_create_survey()

    def test_a_survey_stage_sends_the_customer_their_own_link(self):
        visit = self._sent_visit()
        survey_input = visit.sudo().survey_input_id
        self.assertEqual(survey_input.partner_id, self.contact)
        self.assertEqual(survey_input.aftersales_visit_id, visit)
        self.assertIn(
            f"/survey/start/{self.survey.access_token}?answer_token={survey_input.access_token}",
            visit.answer_url,
        )
        send = visit.send_ids
        self.assertEqual((send.channel, send.recipient), ("email", "zhaomin@example.cn"))
        self.assertIn(survey_input.access_token, str(send.message_id.body))
        visit.with_user(self.staff).action_send_to_customer()
        self.assertEqual(len(visit.send_ids), 2)
        self.assertEqual(visit.sudo().survey_input_id, survey_input, "sent again: the same link")

    def test_the_portal_page_of_a_survey_revisit_leads_to_the_survey(self):
        visit = self._sent_visit()
        page = self.url_open(f"/my/revisits/{visit.id}?access_token={visit.access_token}")
        self.assertIn("o_revisit_survey_link", page.text)
        self.assertIn(visit.sudo().survey_input_id.access_token, page.text)

    def test_the_submitted_survey_completes_the_revisit(self):
        visit = self._sent_visit()
        survey_input = self._submit(visit, score=4, complete=True, remarks="送货很快")
        self.assertEqual(survey_input.state, "done")
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.satisfaction, 4)
        answers = visit.answer_ids.sorted("sequence")
        self.assertEqual(answers.mapped("yes_no")[1], "yes")
        self.assertEqual(answers.mapped("text")[2], "送货很快")
        self.assertFalse(visit.escalated)
        self.assertIn("Answered by the customer in the survey.", self._notes(visit))
        self.assertTrue(visit.next_visit_id, "the flow goes on")

    def test_a_bad_answer_in_the_survey_opens_a_complaint(self):
        visit = self._sent_visit()
        self._submit(visit, score=2, complete=False)
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.escalated)
        self.assertEqual(visit.escalation_ticket_id.ticket_type, "complaint")

    def test_the_link_of_one_revisit_answers_no_other(self):
        visit = self._sent_visit()
        other = self._sent_visit()
        self._submit(visit, score=5, complete=True)
        self.assertEqual(visit.state, "done")
        self.assertEqual(other.state, "open")
        response = self.url_open(
            f"/survey/submit/{self.survey.access_token}/"
            f"{visit.sudo().survey_input_id.access_token}",
            json={"params": {str(self.q_score.id): "1"}},
        )
        self.assertIn("unauthorized", str(response.json()))
        self.assertFalse(visit.escalated, "a submitted survey cannot be answered again")

    def test_a_survey_without_a_required_answer_leaves_the_revisit_open(self):
        visit = self._sent_visit()
        survey_input = visit.sudo().survey_input_id
        survey_input._save_lines(self.q_score, "5")
        survey_input._mark_done()
        self.assertEqual(visit.state, "open")
        self.assertEqual(visit.answer_ids.sorted("sequence")[0].score, "5", "kept for staff")
        self.assertIn("Complete?", self._notes(visit))

    def test_a_scale_of_another_range_is_brought_to_five(self):
        self.q_score.write({"scale_min": 0, "scale_max": 10})
        visit = self._sent_visit()
        survey_input = visit.sudo().survey_input_id
        survey_input._save_lines(self.q_score, "10")
        survey_input._save_lines(
            self.q_complete, self.q_complete.suggested_answer_ids.sorted("sequence")[0].id
        )
        survey_input._mark_done()
        self.assertEqual(visit.satisfaction, 5)

    def test_a_survey_submitted_after_the_revisit_closed_changes_nothing(self):
        visit = self._sent_visit()
        self.answer(visit, score="5")
        visit.with_user(self.staff).action_complete()
        self._submit(visit, score=1, complete=False)
        self.assertFalse(visit.escalated)
        self.assertEqual(visit.satisfaction, 5)
        self.assertIn("after the revisit was closed", self._notes(visit))

    def test_a_test_entry_fills_no_revisit(self):
        visit = self._sent_visit()
        test_input = self.survey._create_answer(
            user=self.as_manager, test_entry=True, aftersales_visit_id=visit.id
        )
        test_input._save_lines(self.q_score, "1")
        test_input._mark_done()
        self.assertEqual(visit.state, "open")
        self.assertFalse(visit.escalated)

    def test_a_survey_stage_needs_a_way_to_send_and_a_survey(self):
        with self.assertRaises(ValidationError):
            self.stage_1.survey_send_method_id = self.phone
        plain = self.env["aftersales.visit.template"].create(
            {"name": "No survey", "question_ids": [Command.create({"name": "Fine?"})]}
        )
        with self.assertRaises(ValidationError):
            self.stage_1.template_id = plain

    def test_an_archived_survey_is_a_failed_send_not_an_error(self):
        self.survey.active = False
        visit = self._sent_visit()
        self.assertEqual(visit.state, "open")
        self.assertEqual(visit.send_state, "failed")
        self.assertIn("closed/archived", visit.send_error)

    def test_nobody_links_survey_answers_to_a_revisit_by_hand(self):
        visit = self._sent_visit()
        other_input = self.survey._create_answer(partner=self.customer, check_attempts=False)
        survey_officer = new_test_user(
            self.env, login="as_survey_officer", groups="base.group_user,survey.group_survey_user"
        )
        with self.assertRaises(AccessError):
            other_input.with_user(survey_officer).aftersales_visit_id = visit
        with self.assertRaises(AccessError):
            self.survey.with_user(survey_officer)._create_answer(
                partner=self.customer, check_attempts=False, aftersales_visit_id=visit.id
            )
        with self.assertRaises(AccessError):
            visit.with_user(self.as_manager).survey_input_id = other_input
        self.assertEqual(visit.sudo().survey_input_id.partner_id, self.contact)

    def test_only_after_sales_managers_see_or_change_a_revisit_survey(self):
        visit = self._sent_visit()
        survey_input = visit.sudo().survey_input_id
        survey_input._save_lines(self.q_score, "4")
        officer = new_test_user(
            self.env,
            login="as_survey_officer_2",
            groups="base.group_user,survey.group_survey_user,sales_team.group_sale_salesman",
        )
        other_survey = self.env["survey.survey"].create({"title": "Marketing survey"})
        Survey = self.env["survey.survey"].with_user(officer)
        self.assertEqual(
            Survey.search([("id", "in", [self.survey.id, other_survey.id])]), other_survey
        )
        for model, record in (
            ("survey.survey", self.survey),
            ("survey.question", self.q_score),
            ("survey.question.answer", self.q_complete.suggested_answer_ids[:1]),
            ("survey.user_input", survey_input),
            ("survey.user_input.line", survey_input.user_input_line_ids[:1]),
        ):
            self.assertFalse(self.env[model].with_user(officer).search([("id", "=", record.id)]))
            with self.assertRaises(AccessError, msg=model):
                record.with_user(officer).read(["display_name"])
        with self.assertRaises(AccessError):
            self.q_complete.suggested_answer_ids[:1].with_user(officer).sequence = 5
        with self.assertRaises(AccessError):
            survey_input.with_user(officer).test_entry = True
        with self.assertRaises(AccessError):
            self.q_score.with_user(officer).scale_max = 10
        with self.assertRaises(AccessError, msg="hiding a survey from its administrators"):
            other_survey.with_user(officer).is_revisit_survey = True
        self.assertEqual(
            self.env["survey.user_input"]
            .with_user(self.as_manager)
            .search([("aftersales_visit_id", "=", visit.id)]),
            survey_input,
            "after-sales managers do",
        )

    def test_a_rep_setting_survey_answers_gets_the_access_message(self):
        rep = self.rep_a
        other_input = self.survey._create_answer(partner=self.customer, check_attempts=False)
        with self.assertRaisesRegex(AccessError, "Survey Answers"):
            self.Visit.with_user(rep).with_context(default_survey_input_id=other_input.id).create(
                {
                    "flow_id": self.flow.id,
                    "stage_id": self.stage_1.id,
                    "partner_id": self.customer.id,
                }
            )
