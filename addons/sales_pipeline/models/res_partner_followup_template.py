import re

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

PLACEHOLDER = re.compile(r"\{(\w+)\}")


class ResPartnerFollowupTemplate(models.Model):
    """Text that pre-fills a follow-up (洽谈进展模板), with {placeholders}."""

    _name = "res.partner.followup.template"
    _description = "Follow-up Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    method_id = fields.Many2one(
        comodel_name="res.partner.followup.method",
        ondelete="set null",
    )
    body = fields.Html(
        required=True,
        translate=True,
        help="Placeholders: {customer}, {customer_code}, {contact}, {owner}, {user}, "
        "{today}, {last_quote}, {last_quote_amount}, {last_followup}.",
    )

    def _get_placeholders(self):
        return (
            "customer",
            "customer_code",
            "contact",
            "owner",
            "user",
            "today",
            "last_quote",
            "last_quote_amount",
            "last_followup",
        )

    @api.constrains("body")
    def _check_placeholders(self):
        for template in self:
            unknown = set(PLACEHOLDER.findall(template.body or "")) - set(
                template._get_placeholders()
            )
            if unknown:
                raise ValidationError(
                    self.env._(
                        "Unknown placeholder(s) in template %(template)s: %(names)s. Use: %(known)s.",  # noqa: E501
                        template=template.name,
                        names=", ".join(sorted("{%s}" % name for name in unknown)),
                        known=", ".join("{%s}" % name for name in template._get_placeholders()),
                    )
                )

    def _render_for(self, customer, contact=None):
        """The template's body with the placeholders of ``customer`` filled in."""
        self.ensure_one()
        self._check_placeholders()
        values = self._get_placeholder_values(customer, contact)
        body = str(self.body or "")
        return Markup(PLACEHOLDER.sub(lambda match: str(escape(values[match.group(1)])), body))

    def _get_placeholder_values(self, customer, contact=None):
        customer = customer.commercial_partner_id
        contact = contact or customer.child_ids.filtered(lambda c: c.type == "contact")[:1]
        last_quote = (
            self.env["sale.order"].search(
                [("partner_id", "child_of", customer.id)],
                order="date_order desc, id desc",
                limit=1,
            )
            if customer.id
            else self.env["sale.order"]
        )
        last_followup = customer.followup_ids[:1]
        return {
            "customer": customer.name or "",
            "customer_code": customer.customer_code or "",
            "contact": contact.name or customer.name or "",
            "owner": customer.user_id.name or "",
            "user": self.env.user.name,
            "today": fields.Date.to_string(fields.Date.context_today(self)),
            "last_quote": last_quote.name or "",
            "last_quote_amount": last_quote
            and last_quote.currency_id.format(last_quote.amount_total)
            or "",
            "last_followup": last_followup
            and fields.Date.to_string(last_followup.date.date())
            or "",
        }
