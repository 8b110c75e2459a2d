from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    aftersales_visit_id = fields.Many2one(
        comodel_name="aftersales.visit",
        string="Revisit",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"aftersales_visit_id"}

    def _mark_done(self):
        res = super()._mark_done()
        for user_input in self.filtered(lambda i: i.aftersales_visit_id and not i.test_entry):
            user_input.aftersales_visit_id.sudo()._answer_from_survey(user_input.sudo())
        return res
