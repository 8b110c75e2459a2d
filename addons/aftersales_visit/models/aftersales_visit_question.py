from odoo import api, fields, models


class AftersalesVisitQuestion(models.Model):
    _name = "aftersales.visit.question"
    _description = "Revisit Question"
    _order = "sequence, id"

    template_id = fields.Many2one(
        comodel_name="aftersales.visit.template",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Question",
        required=True,
        translate=True,
        help="Placeholders: {customer}, {contact}, {contract}, {products}, {rep}, {date}.",
    )
    answer_type = fields.Selection(
        selection=[
            ("score", "Satisfaction (1-5)"),
            ("yes_no", "Yes / No"),
            ("text", "Text"),
        ],
        required=True,
        default="score",
    )
    required = fields.Boolean(
        default=True,
        help="The revisit cannot be completed until this question is answered.",
    )
    escalate_max_score = fields.Integer(
        string="Escalate at or below",
        default=0,
        help="A satisfaction at or below this score escalates the revisit (0: never).",
    )
    escalate_on_no = fields.Boolean(
        string="Escalate on No",
        help="Answering No escalates the revisit.",
    )

    _escalate_score_range = models.Constraint(
        "CHECK(escalate_max_score BETWEEN 0 AND 5)",
        "The escalation score must be between 0 and 5.",
    )

    @api.onchange("answer_type")
    def _onchange_answer_type(self):
        if self.answer_type != "score":
            self.escalate_max_score = 0
        if self.answer_type != "yes_no":
            self.escalate_on_no = False
