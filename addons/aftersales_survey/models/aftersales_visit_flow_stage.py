from odoo import api, fields, models
from odoo.exceptions import ValidationError

LINK_METHODS = ("sms", "email", "wechat")


class AftersalesVisitFlowStage(models.Model):
    _inherit = "aftersales.visit.flow.stage"

    survey_send_method_id = fields.Many2one(
        comodel_name="aftersales.visit.method",
        string="Send Link By",
        ondelete="restrict",
        domain=[("code", "in", LINK_METHODS)],
        help="For survey stages: how each customer gets their survey link.",
    )
    survey_send_method_code = fields.Selection(
        related="survey_send_method_id.code", string="Link Method Kind"
    )
    survey_id = fields.Many2one(
        related="template_id.survey_id",
        string="Survey",
        groups="aftersales_visit.group_aftersales_manager",
    )

    @api.constrains("method_id", "survey_send_method_id", "template_id")
    def _check_survey_stage(self):
        for stage in self.filtered(lambda s: s.method_code == "survey"):
            if stage.survey_send_method_id.code not in LINK_METHODS:
                raise ValidationError(
                    self.env._(
                        "Survey stage %s: choose how the link is sent (SMS, e-mail or WeChat).",
                        stage.name,
                    )
                )
            if not stage.template_id.sudo().survey_id:
                raise ValidationError(
                    self.env._(
                        "Survey stage %s: its question template needs a survey "
                        "(Create Survey on the template).",
                        stage.name,
                    )
                )
