from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.phone import looks_like_number, phone_digits

# The text quick search reads, as one immutable SQL expression: its pairs of characters are indexed
# (GIN on sales_pipeline_bigrams) for terms of two characters, which have no trigram.
QUICK_SEARCH_COLUMNS = ("complete_name", "customer_code", "street", "city", "reach_search_text")
QUICK_SEARCH_TEXT = " || ' ' || ".join(f"coalesce({column}, '')" for column in QUICK_SEARCH_COLUMNS)
# Fewer partners than this expected to hold a term's pairs of characters: the matches are collected
# first, then sorted; this share of the partners or more: the list's order is walked (see
# _quick_search_plan).
RARE_TERM_ROWS = 2000
FREQUENT_TERM_SHARE = 0.01
# ... and at least this many: fewer matches are sorted faster than walked to (100k customers: 88号,
# 3,000 partners expected, 19 ms either way; a code, B000123, whose digit pairs are frequent, 6).
WALK_MIN_ROWS = 5000
BIGRAMS_FUNCTION = """
    CREATE OR REPLACE FUNCTION sales_pipeline_bigrams(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, 2)), '{}')
          FROM generate_series(1, char_length(value) - 1) AS i
    $$
"""


def quick_search_text_sql(alias):
    """QUICK_SEARCH_TEXT on the columns of table ``alias`` (the same expression, so that
    PostgreSQL matches it with the index)."""
    return SQL(" || ' ' || ").join(
        SQL("coalesce(%s, '')", SQL.identifier(alias, column)) for column in QUICK_SEARCH_COLUMNS
    )


class ResPartner(models.Model):
    """Quick search: name, number, address, industry, phones and WeChat in one box."""

    _inherit = "res.partner"

    reach_search_text = fields.Char(
        string="Numbers and WeChat (search)",
        compute="_compute_reach_search_text",
        store=True,
        index="trigram",
        help="Phone and mobile digits and WeChat ids of the customer and of its contacts, "
        "for quick search (empty on a contact: its numbers find its customer).",
    )
    quick_search = fields.Char(
        store=False,
        search="_search_quick_search",
        help="Customers (partners without a parent company) by name, customer number, address, "
        "industry, and the phone, mobile and WeChat of the customer and of its contacts.",
    )

    _complete_name_trgm_idx = models.Index("USING gin (complete_name gin_trgm_ops)")
    # The quick search collects a name's matches here: not among the contacts, whose complete
    # name repeats their company's (a third of the matches of a company's name at 1M).
    _top_level_name_trgm_idx = models.Index(
        "USING gin (complete_name gin_trgm_ops) WHERE parent_id IS NULL"
    )
    # Odoo indexes name with a btree only: without this, every name ilike reads every partner
    _name_trgm_idx = models.Index("USING gin (name gin_trgm_ops)")
    _quick_search_bigrams_idx = models.Index(
        f"USING gin (sales_pipeline_bigrams({QUICK_SEARCH_TEXT}))"
    )
    _industry_idx = models.Index("(industry_id) WHERE industry_id IS NOT NULL")
    # The customers in the list's order with what the quick search and the rules read of them:
    # walking this order to fill a page for a frequent term reads this index only (an index-only
    # scan), not the partners' rows, which are wide and spread over the table.
    _quick_search_walk_idx = models.Index(
        "(complete_name, id DESC) INCLUDE (customer_code, street, city, reach_search_text,"
        " industry_id, is_customer, company_id, partner_share, pool_state, user_id, is_protected,"
        " commercial_partner_id)"
        " WHERE is_customer IS TRUE AND parent_id IS NULL AND active IS TRUE"
    )
    _street_trgm_idx = models.Index("USING gin (street gin_trgm_ops) WHERE street IS NOT NULL")
    _city_trgm_idx = models.Index("USING gin (city gin_trgm_ops) WHERE city IS NOT NULL")

    def _auto_init(self):
        # the function must exist before the index on it, which super() creates
        self.env.cr.execute(BIGRAMS_FUNCTION)
        return super()._auto_init()

    # ------------------------------------------------------------------
    # Computes and search
    # ------------------------------------------------------------------

    @api.depends(
        "parent_id",
        "phone",
        "mobile",
        "wechat_id",
        "child_ids.phone",
        "child_ids.mobile",
        "child_ids.wechat_id",
    )
    def _compute_reach_search_text(self):
        for partner in self:
            # a contact's numbers are its customer's: the quick search finds the customer
            partner.reach_search_text = not partner.parent_id and self._reach_search_text_of(
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
        """Customers (partners without a parent) by name, customer number, address, industry,
        and the numbers and WeChat of the customer and its contacts (kept together in the
        customer's reach_search_text). A contact is not found itself: its complete name repeats
        its company's, and collecting the contacts too would read a third more partners.

        Every condition is on res_partner itself. A phone fragment, or a term
        whose pairs of characters the statistics say few partners hold, is
        collected through the indexes first (_any_of): PostgreSQL would otherwise
        walk the list's order. A term many partners hold is searched by walking
        the list's order, which its conditions leave PostgreSQL no other choice
        but (_in_list_order). PostgreSQL chooses for the others.
        """
        if operator != "ilike" or not isinstance(value, str):
            return NotImplemented
        term = value.strip()
        if not term:
            return Domain.TRUE
        industries = self.env["res.partner.industry"].sudo().search([("name", "ilike", term)]).ids
        texts = [term]
        digits = phone_digits(term)
        if looks_like_number(digits) and digits != term:
            # separators only around the digits (0512-): whatever holds the term holds its digits
            texts = [digits] if digits in term else [term, digits]
        # in each condition, so that the collection reads the customers' own indexes
        top_level = Domain("parent_id", "=", False)
        conditions = [top_level & self._quick_search_text_domain(text) for text in texts]
        if industries:
            conditions.append(top_level & Domain("industry_id", "in", industries))
        if len(digits) >= 4 and looks_like_number(digits):
            return self._any_of(conditions)
        plans = {self._quick_search_plan(text) for text in texts}
        if not industries and plans == {"collect"}:
            return self._any_of(conditions)
        if plans == {"walk"}:
            return top_level & self._in_list_order(texts, industries)
        return Domain.OR(conditions)

    @api.model
    def _in_list_order(self, texts, industries):
        """Domain: partners holding one of ``texts`` or of an industry of ``industries``, for a
        frequent term, in a form no index serves: PostgreSQL then walks the list's order
        (_quick_search_walk_idx, read alone) until the page is full, a short walk when many
        customers hold the term. Given indexes to use, it may instead fetch every match to sort
        them (88号: 15,000 partners read for a page of 80), or not, as its statistics' sample
        says."""
        conditions = [self._unindexed_text_domain(text) for text in texts]
        if industries:
            conditions.append(Domain("industry_id", "in", industries))
        return Domain.OR(conditions)

    @api.model
    def _unindexed_text_domain(self, term):
        """Domain: ``_quick_search_text_domain(term)`` (a term without wildcards) as positions of
        the term in the columns, which no index matches. PostgreSQL guesses that a third of the
        rows pass such a condition, so it walks the list's order for a page whatever the table's
        size; for ``LIKE`` it guesses one row in 200, which made it read and sort all the
        customers at 100k (88 ms) rather than walk (4 ms)."""
        caseless = self._quick_search_operator(term) == "ilike"

        def position_in(model, alias, query, column):
            value = model._field_to_sql(alias, column, query)
            if caseless:
                return SQL("strpos(lower(%s), lower(%s)) > 0", value, term)
            return SQL("strpos(%s, %s) > 0", value, term)

        return Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "(%s)",
                SQL(" OR ").join(
                    position_in(model, alias, query, column) for column in QUICK_SEARCH_COLUMNS
                ),
            )
        )

    @api.model
    def _quick_search_plan(self, term):
        """How to find ``term``, from PostgreSQL's statistics of the pairs of characters (the
        bigram index): ``collect`` when few partners hold its pairs (a company's name, 瑞丰物流,
        rarely has all its pairs frequent): its matches are collected through the indexes first,
        as walking the name order to fill a page would read most partners when the names holding
        it sort late (瑞 near the end); ``walk`` when many do (华信, 88号): the name order is
        walked until the page is full; ``free`` in between, or for a term without pairs to count:
        PostgreSQL chooses."""
        if len(term) < 2 or any(wildcard in term for wildcard in "%_\\"):
            return "free"
        pairs = sorted({term.lower()[index : index + 2] for index in range(len(term) - 1)})
        self.env.cr.execute(
            SQL(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM res_partner"
                " WHERE sales_pipeline_bigrams(%s) @> %s::text[]",
                SQL(QUICK_SEARCH_TEXT),
                pairs,
            )
        )
        holders = self.env.cr.fetchone()[0][0]["Plan"]["Plan Rows"]
        if holders < RARE_TERM_ROWS:
            return "collect"
        self.env.cr.execute("SELECT reltuples FROM pg_class WHERE oid = 'res_partner'::regclass")
        partners = self.env.cr.fetchone()[0]
        frequent = holders >= max(FREQUENT_TERM_SHARE * partners, WALK_MIN_ROWS)
        return "walk" if frequent else "free"

    @api.model
    def _quick_search_text_domain(self, term):
        """Domain: partners whose name, customer number, street, city, numbers or WeChat ids
        contain ``term``. A term of two characters (华信, 上海) has no trigram for the trigram
        indexes: the partners holding its pair of characters are found first (bigram index)."""
        domain = Domain.OR(
            Domain(column, self._quick_search_operator(term), term)
            for column in QUICK_SEARCH_COLUMNS
        )
        if len(term) != 2 or any(wildcard in term for wildcard in "%_\\"):
            return domain
        holds_pair = Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "sales_pipeline_bigrams(%s) @> ARRAY[lower(%s)]",
                quick_search_text_sql(alias),
                term,
            )
        )
        return holds_pair & domain

    @api.model
    def _quick_search_operator(self, term):
        """``like`` for a term without letters that have a case (Chinese, digits, signs), where it
        finds what ``ilike`` finds: PostgreSQL's ``ilike`` lowercases every value it compares, which
        makes it 2 to 3 times slower on Chinese text."""
        return "like" if term.lower() == term.upper() else "ilike"

    @api.model
    def _any_of(self, conditions):
        """Domain: partners matching one of ``conditions``, collected first through
        each condition's own index, then fetched again by their place in the table.

        For a selective term (a phone fragment), this beats walking all
        partners in list order, which PostgreSQL tends to prefer when it
        misjudges how rare the term is. The matches are collected under the
        user's rules (the search applies them again), so that only the partners
        the user may see are fetched again, by the row address (ctid) the
        collection read them at: the same statement, so the same rows, without
        looking each one up in the primary key's index (a third of the time).
        """
        Partner = self.with_context(active_test=False)
        queries = [Partner._search(condition) for condition in conditions]
        union = SQL(" UNION ").join(
            query.subselect(SQL.identifier(query.table, "ctid")) for query in queries
        )
        return Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "%s = ANY(ARRAY(%s))", SQL.identifier(alias, "ctid"), union
            )
        )
