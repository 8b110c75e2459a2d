from odoo import api, models


class PaymentLinkWizard(models.TransientModel):
    """No payment link for a quotation waiting for an approval: the link goes to the customer."""

    _inherit = "payment.link.wizard"

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards.filtered(lambda w: w.res_model == "sale.order"):
            self.env["sale.order"].browse(wizard.res_id)._check_approved_to_leave()
        return wizards
