from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    partner_commercial_id = fields.Many2one(
        comodel_name="res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        string="Customer Account",
        help="The customer company of the contact, kept here for the reps' record rules.",
    )

    # the reps' customer rule collects the customers of a rep's documents: one index-only scan
    _user_customer_idx = models.Index("(user_id, partner_commercial_id) WHERE user_id IS NOT NULL")

    def _get_system_fields(self):
        return super()._get_system_fields() | {"partner_commercial_id"}

    # ------------------------------------------------------------------
    # Nothing leaves before approval
    # ------------------------------------------------------------------

    def _awaits_approval(self):
        """Discounts above the maximum, or a contract, that still need their approval."""
        self.ensure_one()
        return bool(self._with_unapproved_discounts()) or self._awaits_contract_approval()

    def _check_approved_to_leave(self):
        """Nothing goes to the customer (e-mail, WeChat, an exported file) while discounts or the
        contract wait for their approval. Automated flows (superuser) follow the discount policy's
        note instead."""
        self._check_discounts_approved()
        if self.env.su:
            return
        for order in self:
            if order._awaits_contract_approval():
                raise UserError(
                    self.env._(
                        "%s needs its contract approved before it goes to the customer: submit "
                        "it for approval first.",
                        order.name,
                    )
                )

    def _check_approved_to_be_paid(self):
        """Online payment (the portal, a payment link) of a quotation waiting for approval is
        refused, whoever pays."""
        for order in self:
            if order.state in ("draft", "sent") and order._awaits_approval():
                raise UserError(
                    self.env._(
                        "%s waits for an approval: it cannot be paid online yet.", order.name
                    )
                )

    def _has_to_be_signed(self):
        # the customer's signature on the portal confirms the order as superuser
        return super()._has_to_be_signed() and not self._awaits_approval()

    def _has_to_be_paid(self):
        # so does an online payment
        return super()._has_to_be_paid() and not self._awaits_approval()
