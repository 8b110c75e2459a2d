from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.phone import looks_like_number, phone_digits


class ResPartner(models.Model):
    """Quick search: name, number, address, industry, phones and WeChat in one box."""

    _inherit = "res.partner"

    reach_search_text = fields.Char(
        string="Numbers and WeChat (search)",
        compute="_compute_reach_search_text",
        store=True,
        index="trigram",
        help="Phone and mobile digits and WeChat ids of the partner and of its contacts, "
        "for quick search.",
    )
    quick_search = fields.Char(
        store=False,
        search="_search_quick_search",
        help="Name, customer number, address, industry, and the phone, mobile and "
        "WeChat of the customer and of its contacts.",
    )

    _complete_name_trgm_idx = models.Index("USING gin (complete_name gin_trgm_ops)")
    _industry_idx = models.Index("(industry_id) WHERE industry_id IS NOT NULL")
    _street_trgm_idx = models.Index("USING gin (street gin_trgm_ops) WHERE street IS NOT NULL")
    _city_trgm_idx = models.Index("USING gin (city gin_trgm_ops) WHERE city IS NOT NULL")

    # ------------------------------------------------------------------
    # Computes and search
    # ------------------------------------------------------------------

    @api.depends(
        "phone", "mobile", "wechat_id", "child_ids.phone", "child_ids.mobile", "child_ids.wechat_id"
    )
    def _compute_reach_search_text(self):
        for partner in self:
            partner.reach_search_text = self._reach_search_text_of(
                (person.phone, person.mobile, person.wechat_id)
                for person in partner | partner.child_ids
            )

    @api.model
    def _reach_search_text_of(self, people):
        """reach_search_text of a customer from the (phone, mobile, WeChat id) of itself and its
        contacts."""
        values = []
        for phone, mobile, wechat_id in people:
            values += [phone_digits(phone), phone_digits(mobile), wechat_id or ""]
        return " ".join(dict.fromkeys(v for v in values if v)) or False

    def _search_quick_search(self, operator, value):
        """Name, customer number, address, industry, and the numbers and WeChat
        of the partner and its contacts (kept together in reach_search_text).

        Every condition is on res_partner itself and trigram-indexed, so that
        PostgreSQL can combine the indexes for a rare term, or walk the list
        order for a frequent one.
        """
        if operator != "ilike" or not isinstance(value, str):
            return NotImplemented
        term = value.strip()
        if not term:
            return Domain.TRUE
        industries = self.env["res.partner.industry"].sudo().search([("name", "ilike", term)]).ids
        conditions = [
            Domain("complete_name", "ilike", term),
            Domain("customer_code", "ilike", term),
            Domain("street", "ilike", term),
            Domain("city", "ilike", term),
            Domain("reach_search_text", "ilike", term),
        ]
        digits = phone_digits(term)
        if looks_like_number(digits) and digits != term:
            conditions.append(Domain("reach_search_text", "ilike", digits))
        if industries:
            conditions.append(Domain("industry_id", "in", industries))
        if len(digits) >= 4 and looks_like_number(digits):
            return self._any_of(conditions)
        return Domain.OR(conditions)

    @api.model
    def _any_of(self, conditions):
        """Domain: partners matching one of ``conditions``, collected first through
        each condition's own index, then fetched by id.

        For a selective term (a phone fragment), this beats walking all
        partners in list order, which PostgreSQL tends to prefer when it
        misjudges how rare the term is.
        """
        Partner = self.sudo().with_context(active_test=False)
        union = SQL(" UNION ").join(
            Partner._search(condition).subselect() for condition in conditions
        )
        return Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "%s = ANY(ARRAY(%s))",
                model._field_to_sql(alias, "id", query),
                union,
            )
        )
