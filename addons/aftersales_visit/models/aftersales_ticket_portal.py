from markupsafe import Markup

from odoo import models
from odoo.tools import is_html_empty

from .aftersales_visit_portal import STAFF_THREAD_DATA


class AftersalesTicket(models.Model):
    """Suggestions and complaints on the customer portal (/my/complaints): filed by the
    customer's contacts, followed with their status and the replies."""

    _name = "aftersales.ticket"
    _inherit = ["aftersales.ticket", "portal.mixin"]

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/complaints/{ticket.id}"
        return res

    def _on_closed(self):
        res = super()._on_closed()
        self._tell_customer_closed()
        return res

    def _tell_customer_closed(self):
        """The customer's contacts who follow the ticket (those who filed it on the portal) are
        told it is closed, with the resolution."""
        for ticket in self:
            contacts = ticket.sudo().message_partner_ids.filtered(
                lambda p, ticket=ticket: p.commercial_partner_id == ticket.partner_id
            )
            if not contacts:
                continue
            body = Markup("<p>%s</p>") % self.env._(
                "Your request %(number)s is closed. Thank you for telling us.",
                number=ticket.number,
            )
            if not is_html_empty(ticket.resolution):
                body += ticket.resolution
            ticket.sudo().message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=contacts.ids,
            )

    def _thread_to_store(self, store, fields, *, request_list=None):
        """Who holds the portal link sees the conversation, not the record's attachments,
        activities or followers (they are the staff's)."""
        if request_list and not self.env.user._is_internal():
            request_list = [item for item in request_list if item not in STAFF_THREAD_DATA]
        return super()._thread_to_store(store, fields, request_list=request_list)
