from odoo import fields, models


class AftersalesVisitQuestion(models.Model):
    _inherit = "aftersales.visit.question"

    survey_question_id = fields.Many2one(
        comodel_name="survey.question",
        ondelete="set null",
        groups="aftersales_visit.group_aftersales_manager",
        domain="[('survey_id', '=', parent.survey_id), ('is_page', '=', False)]",
        help="The question of the template's survey whose answer fills this one.",
    )

    def _prepare_survey_question_vals(self, sequence):
        self.ensure_one()
        vals = {
            "title": self.template_id._neutral_text(self.name),
            "sequence": sequence,
            "constr_mandatory": self.required,
        }
        if self.answer_type == "score":
            vals.update(
                question_type="scale",
                scale_min=1,
                scale_max=5,
                scale_min_label=self.env._("Very Dissatisfied"),
                scale_max_label=self.env._("Very Satisfied"),
            )
        elif self.answer_type == "yes_no":
            vals.update(
                question_type="simple_choice",
                suggested_answer_ids=[
                    fields.Command.create({"value": self.env._("Yes"), "sequence": 1}),
                    fields.Command.create({"value": self.env._("No"), "sequence": 2}),
                ],
            )
        else:
            vals["question_type"] = "text_box"
        return vals
