from odoo import api, models


class PaymentTransaction(models.Model):
    """No online payment of a quotation waiting for an approval (discounts or contract): the
    payment would confirm it as superuser, past the approval."""

    _inherit = "payment.transaction"

    @api.model_create_multi
    def create(self, vals_list):
        transactions = super().create(vals_list)
        transactions.sale_order_ids._check_approved_to_be_paid()
        return transactions
