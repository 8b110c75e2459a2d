from odoo import api, fields, models


class SurveySurvey(models.Model):
    """A survey that asks a revisit template's questions holds customers' answers to revisits:
    only after-sales managers see or change it (security/aftersales_survey_security.xml), whatever
    their rights in the Survey app."""

    _inherit = "survey.survey"

    aftersales_template_ids = fields.One2many(
        comodel_name="aftersales.visit.template",
        inverse_name="survey_id",
        string="Revisit Templates",
        groups="aftersales_visit.group_aftersales_manager",
    )
    is_revisit_survey = fields.Boolean(
        compute="_compute_is_revisit_survey",
        store=True,
        index=True,
        help="A revisit template asks its questions with this survey.",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"is_revisit_survey"}

    @api.depends("aftersales_template_ids")
    def _compute_is_revisit_survey(self):
        for survey in self:
            survey.is_revisit_survey = bool(survey.sudo().aftersales_template_ids)
