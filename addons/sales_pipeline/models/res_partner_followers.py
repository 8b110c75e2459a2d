from odoo import models
from odoo.fields import Domain


class ResPartner(models.Model):
    """Followers follow what they may read: when a customer is protected, changes owner or stops
    being shared, the users who can no longer read it stop following it, its contacts, projects,
    orders, invoices and deliveries (no notification of what they cannot see)."""

    _inherit = "res.partner"

    def _unsubscribe_users_who_cannot_read(self):
        customers = self.commercial_partner_id.sudo().exists()
        if not customers:
            return
        documents = self._customer_followed_documents(customers)
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search(
                Domain.OR(
                    [("res_model", "=", model), ("res_id", "in", records.ids)]
                    for model, records in documents.items()
                )
                & Domain("partner_id.user_ids", "!=", False)
            )
        )
        users = followers.partner_id.user_ids.filtered(lambda user: not user.share)
        documents_of = {customers: documents}  # one search per distinct set of lost customers
        for user in users:
            lost = customers - customers.with_user(user)._filtered_access("read")
            if not lost:
                continue
            if lost not in documents_of:
                documents_of[lost] = self._customer_followed_documents(lost)
            for records in documents_of[lost].values():
                records.message_unsubscribe(partner_ids=user.partner_id.ids)

    def _customer_followed_documents(self, customers):
        """{model: records} (as superuser) that carry the chatter of ``customers``."""
        contacts = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("commercial_partner_id", "in", customers.ids)])
        )
        documents = {"res.partner": contacts}
        for model in ("crm.lead", "sale.order", "account.move", "stock.picking"):
            documents[model] = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search([("partner_id", "in", contacts.ids)])
            )
        return documents
