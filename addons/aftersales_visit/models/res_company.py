from odoo import api, models

# Rules each company keeps its own copy of: a new company starts from the shipped ones.
PER_COMPANY_RULES = ("aftersales.sla.rule", "aftersales.care.rule")


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._create_aftersales_rules()
        return companies

    def _create_aftersales_rules(self):
        """Give each company without SLA or care rules a copy of the shipped ones."""
        for model in PER_COMPANY_RULES:
            Rule = self.env[model].sudo().with_context(active_test=False)
            shipped = Rule.browse(
                self.env["ir.model.data"]
                .sudo()
                .search([("module", "=", "aftersales_visit"), ("model", "=", model)])
                .mapped("res_id")
            ).exists()
            for company in self:
                if shipped and not Rule.search_count([("company_id", "=", company.id)], limit=1):
                    for rule in shipped:
                        rule.copy({"company_id": company.id})
