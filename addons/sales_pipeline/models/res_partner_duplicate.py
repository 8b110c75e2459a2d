from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, html_escape

from ..tools.phone import looks_like_number, phone_digits, phone_digits_sql


class ResPartner(models.Model):
    """Duplicates: warn when another customer already has the same phone, mobile or WeChat."""

    _inherit = "res.partner"

    duplicate_customer_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Possible Duplicates",
        compute="_compute_duplicate_customer_ids",
    )
    duplicate_warning = fields.Html(compute="_compute_duplicate_customer_ids", sanitize=False)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("phone", "mobile", "wechat_id")
    def _compute_duplicate_customer_ids(self):
        for partner in self:
            duplicates = partner._find_duplicate_customers()
            # the warning names whom to ask about hidden ones; the field lists only readable ones
            partner.duplicate_customer_ids = duplicates.filtered(lambda d: d.has_access("read"))
            partner.duplicate_warning = (
                partner._get_duplicate_warning(duplicates) if duplicates else False
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _same_number_domain(self, number):
        """Partners whose phone or mobile is ``number``, separators ignored."""
        digits = phone_digits(number)
        if not looks_like_number(digits):
            return Domain.FALSE
        return Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "(%s)",
                SQL(" OR ").join(
                    SQL("(%s IS NOT NULL AND %s = %s)", column, phone_digits_sql(column), digits)
                    for column in (
                        model._field_to_sql(alias, fname, query) for fname in ("phone", "mobile")
                    )
                ),
            )
        )

    def _find_duplicate_customers(self):
        """Other managed customers with the same phone, mobile or WeChat (any owner, visible
        or not)."""
        self.ensure_one()
        same = [self._same_number_domain(number) for number in (self.phone, self.mobile)]
        if self.wechat_id:
            same.append(Domain("wechat_id", "=", self.wechat_id.strip()))
        same = Domain.OR(same)
        if same.is_false():
            return self.browse()
        family = self._origin.commercial_partner_id if self._origin else self.browse()
        if self.parent_id:
            family |= self.parent_id.commercial_partner_id
        found = self.sudo().search(same & Domain("is_customer", "=", True), limit=20)
        return found.commercial_partner_id.filtered(lambda c: c not in family)[:5].sudo(False)

    def _get_duplicate_warning(self, duplicates):
        lines = []
        for customer in duplicates:
            owner = customer.sudo().user_id
            if customer.with_env(self.env).has_access("read"):
                lines.append(
                    self.env._(
                        'Same phone, mobile or WeChat as <a href="/odoo/res.partner/%(id)s">%(customer)s</a> (%(code)s), owner: %(owner)s.',  # noqa: E501
                        id=customer.id,
                        customer=html_escape(customer.sudo().display_name),
                        code=html_escape(customer.sudo().customer_code or ""),
                        owner=html_escape(owner.name or self.env._("public pool")),
                    )
                )
            else:
                # that it exists, so that it is not entered twice; not whose it is
                lines.append(
                    self.env._(
                        "A customer you cannot see already has this phone, mobile or WeChat. "
                        "Ask your manager before entering it again."
                    )
                )
        return "<br/>".join(lines)
