from odoo import api, fields, models

# What a customer sees of their revisits on the portal: those started (questions asked).
PORTAL_VISIT_STATES = ("open", "done")
# the revisits a customer answers on the portal: those sent to them (calls and visits are staff's)
PORTAL_VISIT_METHODS = ("sms", "email", "wechat", "survey")
# what a portal link's holder does not get of the record's thread
STAFF_THREAD_DATA = {
    "activities",
    "attachments",
    "followers",
    "suggestedRecipients",
    "recipients",
    "contact_fields",
}


class AftersalesVisit(models.Model):
    """Revisits on the customer portal: a customer answers the questions at /my/revisits/<id>,
    signed in or through the link sent by SMS or e-mail (with the revisit's token)."""

    _name = "aftersales.visit"
    _inherit = ["aftersales.visit", "portal.mixin"]

    answer_url = fields.Char(
        compute="_compute_answer_url",
        help="The link the customer answers with (sent by SMS or e-mail).",
    )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for visit in self:
            visit.access_url = f"/my/revisits/{visit.id}"
        return res

    @api.depends("access_token")
    def _compute_answer_url(self):
        for visit in self:
            visit.answer_url = (
                visit.get_base_url() + visit.get_portal_url() if visit.access_token else False
            )

    def _portal_answer(self, values):
        """The customer's answers from the portal: ``values`` maps each answer to a dict of
        score / yes_no / text. Called as superuser by the portal controller once it checked
        the customer."""
        visit = self._for_staff()
        visit._customer_answer(values, visit.env._("Answered by the customer on the portal."))

    def _thread_to_store(self, store, fields, *, request_list=None):
        """Who holds the portal link sees the conversation, not the record's attachments,
        activities or followers (they are the staff's)."""
        if request_list and not self.env.user._is_internal():
            request_list = [item for item in request_list if item not in STAFF_THREAD_DATA]
        return super()._thread_to_store(store, fields, request_list=request_list)
