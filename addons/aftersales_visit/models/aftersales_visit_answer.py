from odoo import api, fields, models

SCORES = [
    ("1", "1 - Very Dissatisfied"),
    ("2", "2 - Dissatisfied"),
    ("3", "3 - Neutral"),
    ("4", "4 - Satisfied"),
    ("5", "5 - Very Satisfied"),
]


class AftersalesVisitAnswer(models.Model):
    _name = "aftersales.visit.answer"
    _description = "Revisit Answer"
    _order = "visit_id, sequence, id"

    visit_id = fields.Many2one(
        comodel_name="aftersales.visit",
        required=True,
        ondelete="cascade",
        index=True,
    )
    question_id = fields.Many2one(
        comodel_name="aftersales.visit.question", string="Template Question", ondelete="set null"
    )
    sequence = fields.Integer(default=10)
    question = fields.Char(
        required=True, help="The question as it was asked (placeholders filled)."
    )
    answer_type = fields.Selection(related="question_id.answer_type", string="Type")
    required = fields.Boolean(related="question_id.required")
    score = fields.Selection(selection=SCORES, string="Satisfaction")
    yes_no = fields.Selection(selection=[("yes", "Yes"), ("no", "No")], string="Yes / No")
    text = fields.Text(string="Answer")
    is_answered = fields.Boolean(compute="_compute_is_answered")
    is_bad = fields.Boolean(
        string="Escalates",
        compute="_compute_is_bad",
        help="The answer reaches the question's escalation condition.",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"visit_id", "question_id", "question", "sequence"}

    @api.depends("answer_type", "score", "yes_no", "text")
    def _compute_is_answered(self):
        for answer in self:
            answer.is_answered = bool(
                {
                    "score": answer.score,
                    "yes_no": answer.yes_no,
                    "text": (answer.text or "").strip(),
                }.get(answer.answer_type or "text")
            )

    @api.depends("score", "yes_no", "question_id.escalate_max_score", "question_id.escalate_on_no")
    def _compute_is_bad(self):
        for answer in self:
            question = answer.question_id
            answer.is_bad = bool(
                (answer.score and int(answer.score) <= question.escalate_max_score)
                or (answer.yes_no == "no" and question.escalate_on_no)
            )
