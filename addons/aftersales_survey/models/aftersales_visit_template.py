from odoo import fields, models
from odoo.exceptions import UserError


class AftersalesVisitTemplate(models.Model):
    _inherit = "aftersales.visit.template"

    survey_id = fields.Many2one(
        comodel_name="survey.survey",
        string="Online Survey",
        ondelete="set null",
        groups="aftersales_visit.group_aftersales_manager",
        help="The survey that asks these questions online, for survey stages.",
    )

    def action_create_survey(self):
        """Build an Odoo survey asking this template's questions and link each question to it."""
        self.ensure_one()
        if self.survey_id:
            raise UserError(self.env._("%s already has a survey.", self.name))
        if not self.question_ids:
            raise UserError(self.env._("Add questions to %s first.", self.name))
        survey = self.env["survey.survey"].create(self._prepare_survey_vals())
        for question, survey_question in zip(
            self.question_ids, survey.question_and_page_ids.sorted("sequence"), strict=True
        ):
            question.survey_question_id = survey_question
        self.survey_id = survey
        return {
            "type": "ir.actions.act_window",
            "res_model": "survey.survey",
            "res_id": survey.id,
            "view_mode": "form",
        }

    def _prepare_survey_vals(self):
        return {
            "title": self.name,
            "access_mode": "token",
            "users_login_required": False,
            "questions_layout": "one_page",
            "is_attempts_limited": False,
            "question_and_page_ids": [
                fields.Command.create(question._prepare_survey_question_vals(index))
                for index, question in enumerate(self.question_ids, 1)
            ],
        }

    def _neutral_text(self, text):
        """``text`` as one survey asks it of every customer: placeholders become general words."""
        words = {
            "customer": "",
            "contact": "",
            "contract": self.env._("your order"),
            "products": self.env._("our products"),
            "rep": self.env._("our team"),
            "date": "",
        }
        return " ".join(self.render(text, words).split())
