from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class AftersalesVisit(models.Model):
    """A survey revisit sends the customer their own link to the stage's survey (by SMS, e-mail
    or WeChat); the submitted survey fills the questions and completes the revisit."""

    _inherit = "aftersales.visit"

    survey_input_id = fields.Many2one(
        comodel_name="survey.user_input",
        string="Survey Answers",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="aftersales_visit.group_aftersales_manager",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"survey_input_id"}

    def action_open_survey_input(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "survey.user_input",
            "res_id": self.survey_input_id.id,
            "view_mode": "form",
        }

    @api.depends("method_code", "stage_id.survey_send_method_id.code")
    def _compute_sends_by_itself(self):
        return super()._compute_sends_by_itself()

    def _sending_code(self):
        if self.method_code == "survey":
            return self.stage_id.survey_send_method_id.code
        return super()._sending_code()

    @api.depends("access_token", "survey_input_id.access_token")
    def _compute_answer_url(self):
        res = super()._compute_answer_url()
        for visit in self:
            survey_input = visit.sudo().survey_input_id
            if survey_input:
                visit.answer_url = visit.get_base_url() + survey_input.get_start_url()
        return res

    def _send_to_customer(self, queue=True):
        if self.method_code == "survey" and not self.sudo().survey_input_id:
            error = self._open_survey_input()
            if error:
                self._portal_ensure_token()
                return self._record_send(
                    self._sending_code(), self._recipient(), False, False, error=error
                )
        return super()._send_to_customer(queue=queue)

    def _open_survey_input(self):
        """Give the customer their own answer to the stage's survey; the error, if it cannot."""
        survey = self.stage_id.template_id.sudo().survey_id
        if not survey:
            return self.env._("The stage's question template has no survey.")
        try:
            survey_input = survey._create_answer(
                partner=self._recipient(), check_attempts=False, aftersales_visit_id=self.id
            )
        except UserError as error:
            return str(error)
        self.sudo().survey_input_id = survey_input
        return None

    def _answer_from_survey(self, survey_input):
        """Fill and complete this revisit from the customer's submitted survey."""
        visit = self._for_staff()
        if visit.state != "open":
            return visit.message_post(
                body=visit.env._(
                    "The customer submitted the survey after the revisit was closed: "
                    "see the survey's answers."
                ),
                subtype_xmlid="mail.mt_note",
            )
        values = visit._answers_from_survey(survey_input)
        missing = visit.answer_ids.filtered(lambda a: a.required and not values.get(a.id))
        if missing:
            visit._write_answers(values)
            return visit.message_post(
                body=visit.env._(
                    "The customer submitted the survey without answering: %s. "
                    "The revisit stays open.",
                    "; ".join(missing.mapped("question")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return visit._customer_answer(
            values, visit.env._("Answered by the customer in the survey.")
        )

    def _answers_from_survey(self, survey_input):
        lines = defaultdict(lambda: self.env["survey.user_input.line"])
        for line in survey_input.user_input_line_ids.filtered(lambda line: not line.skipped):
            lines[line.question_id] |= line
        values = {}
        for answer in self.answer_ids:
            survey_question = answer.question_id.survey_question_id
            given = lines.get(survey_question) if survey_question else None
            values[answer.id] = self._survey_answer_value(answer, given) if given else {}
        return values

    def _survey_answer_value(self, answer, lines):
        kind = answer.answer_type or "text"
        question = lines.question_id
        line = lines[:1]
        if kind == "score":
            score = survey_score(line, question)
            return {"score": str(score)} if score else {}
        if kind == "yes_no":
            choices = question.suggested_answer_ids.sorted("sequence")
            if line.suggested_answer_id in choices[:2]:
                return {"yes_no": "yes" if line.suggested_answer_id == choices[0] else "no"}
            return {}
        text = "; ".join(filter(None, lines.mapped("display_name")))
        return {"text": text[:2000]} if text else {}


def survey_score(line, question):
    """A 1-5 satisfaction from a survey answer: a scale or a choice brought to 1-5 whatever its
    range, a number kept within 1-5."""
    if line.answer_type == "scale":
        return scaled(line.value_scale, question.scale_min, question.scale_max)
    if line.answer_type == "suggestion":
        choices = list(question.suggested_answer_ids.sorted("sequence"))
        if line.suggested_answer_id not in choices:
            return None
        return scaled(choices.index(line.suggested_answer_id), 0, len(choices) - 1)
    if line.answer_type == "numerical_box":
        return min(5, max(1, round(line.value_numerical_box)))
    return None


def scaled(value, low, high):
    if high <= low:
        return None
    return min(5, max(1, 1 + round((value - low) * 4 / (high - low))))
