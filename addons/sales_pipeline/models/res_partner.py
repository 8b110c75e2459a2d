import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime, html_escape

from ..tools.actions import window_action
from ..tools.locking import lock_rows
from .sale_order_discount_rule import CUSTOMER_TIERS

POOL_STATES = [
    ("pool", "Public Pool"),
    ("claimed", "Claimed"),
]

# Settings of the public pool, as ir.config_parameter keys (0 = no limit / off).
POOL_SETTINGS = (
    "max_claimed",
    "max_protected",
    "recall_followup_days",
    "recall_deal_days",
    "recall_warning_days",
    "reclaim_cooldown_days",
)

# Fields that change ownership or visibility: only the pool actions (or a
# manager) may write them, so that quotas, cooldowns and history hold.
OWNERSHIP_FIELDS = ("user_id", "is_protected", "is_customer", "is_premium_customer")
# What Odoo's phone search strips from numbers (phone_validation's
# PHONE_REGEX_PATTERN): our number conditions use the same expression so that
# its trigram and btree indexes on res_partner.phone / .mobile serve them.
PHONE_SEPARATORS = r"[\s\\./\(\)\-]"


def phone_digits(number):
    """``number`` without the separators Odoo's phone search ignores."""
    return re.sub(PHONE_SEPARATORS, "", number or "")


def phone_digits_sql(column):
    """SQL of ``column`` without separators: the expression Odoo's phone indexes are built on."""
    return SQL("regexp_replace(%s::text, %s::text, ''::text, 'g'::text)", column, SQL(f"'{PHONE_SEPARATORS}'"))


def looks_like_number(digits):
    return len(digits) >= 3 and re.fullmatch(r"\+?\d+", digits) is not None
# Writing one of these restarts the recall clock.
RECALL_CLOCK_FIELDS = ("claim_date", "last_followup_date", "last_won_date")


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_customer = fields.Boolean(
        string="Managed Customer",
        index=True,
        copy=False,
        help="Managed by the sales pipeline: it has a customer number, lives in "
        "the public pool or belongs to a sales rep, and only the people allowed "
        "see it.",
    )
    customer_code = fields.Char(
        string="Customer Number",
        readonly=True,
        copy=False,
        index="trigram",
    )
    pool_state = fields.Selection(
        selection=POOL_STATES,
        string="Pool Status",
        compute="_compute_pool_state",
        store=True,
        index=True,
    )
    is_protected = fields.Boolean(
        string="Protected",
        readonly=True,
        copy=False,
        index=True,
        help="A protected customer is invisible to other sales reps and is "
        "never recalled to the public pool.",
    )
    protected_date = fields.Datetime(string="Protected On", readonly=True, copy=False)
    claim_date = fields.Datetime(string="Claimed On", readonly=True, copy=False)
    last_followup_date = fields.Datetime(string="Last Follow-up", copy=False)
    last_won_date = fields.Datetime(string="Last Won Deal", readonly=True, copy=False)
    recall_date = fields.Datetime(
        string="Returns to Pool On",
        compute="_compute_recall_date",
        help="Without a follow-up or a won deal by then, the customer goes back "
        "to the public pool.",
    )
    recall_warned = fields.Boolean(copy=False, readonly=True)
    qualification_id = fields.Many2one(
        comodel_name="res.partner.qualification",
        string="Qualification",
        index="btree_not_null",
        ondelete="restrict",
    )
    region_id = fields.Many2one(
        comodel_name="res.partner.region",
        string="Region",
        index="btree_not_null",
        ondelete="restrict",
    )
    source_id = fields.Many2one(
        comodel_name="res.partner.source",
        string="Source",
        index="btree_not_null",
        ondelete="restrict",
    )
    value_grade_id = fields.Many2one(
        comodel_name="res.partner.value.grade",
        string="Value Grade",
        index="btree_not_null",
        ondelete="restrict",
    )
    followup_method_id = fields.Many2one(
        comodel_name="res.partner.followup.method",
        string="Follow-up Method",
        ondelete="restrict",
    )
    wechat_id = fields.Char(string="WeChat", index="trigram", copy=False)
    mobile = fields.Char(string="Mobile", index="trigram")
    share_ids = fields.One2many(
        comodel_name="res.partner.share",
        inverse_name="partner_id",
        string="Shares",
    )
    share_count = fields.Integer(compute="_compute_share_count")
    pool_log_ids = fields.One2many(
        comodel_name="res.partner.pool.log",
        inverse_name="partner_id",
        string="Pool History",
    )
    shared_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Shared With",
        compute="_compute_shared_user_ids",
        search="_search_shared_user_ids",
        help="Users this customer is shared with right now.",
    )
    write_shared_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Shared With (Write)",
        compute="_compute_shared_user_ids",
        search="_search_write_shared_user_ids",
    )
    document_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Users with Documents",
        compute="_compute_document_user_ids",
        search="_search_document_user_ids",
        help="Salespeople of the quotations, orders and leads of this customer.",
    )
    is_premium_customer = fields.Boolean(
        string="Premium Customer",
        copy=False,
        help="Set by a sales manager: the customer gets the premium tier's discounts (优等客户).",
    )
    customer_tier = fields.Selection(
        selection=CUSTOMER_TIERS,
        string="Customer Tier",
        compute="_compute_customer_tier",
        help="New until a first order is confirmed, then old; premium when a manager says so "
        "or its value grade is a premium one.",
    )
    followup_ids = fields.One2many(
        comodel_name="res.partner.followup",
        inverse_name="partner_id",
        string="Follow-ups",
    )
    followup_count = fields.Integer(compute="_compute_followup_count")
    next_followup_date = fields.Date(string="Next Follow-up", copy=False)
    reach_search_text = fields.Char(
        string="Numbers and WeChat (search)",
        compute="_compute_reach_search_text",
        store=True,
        index="trigram",
        help="Phone and mobile digits and WeChat ids of the partner and of its contacts, for quick search.",
    )
    quick_search = fields.Char(
        string="Quick Search",
        store=False,
        search="_search_quick_search",
        help="Name, customer number, address, industry, and the phone, mobile and "
        "WeChat of the customer and of its contacts.",
    )
    duplicate_customer_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Possible Duplicates",
        compute="_compute_duplicate_customer_ids",
    )
    duplicate_warning = fields.Html(compute="_compute_duplicate_customer_ids", sanitize=False)
    visible_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Visible To",
        compute="_compute_visible_user_ids",
        search="_search_visible_user_ids",
        groups="base.group_no_one",
        help="The partners that the access rules of these users let them read; read, it "
        "holds the current user when they may read the partner. Records that belong to a "
        "customer use it in their own rules.",
    )
    is_mine = fields.Boolean(compute="_compute_is_mine", search="_search_is_mine")
    can_manage_customer = fields.Boolean(compute="_compute_is_mine")

    _customer_code_uniq = models.Constraint(
        "unique(customer_code)",
        "This customer number is already used.",
    )
    _complete_name_trgm_idx = models.Index("USING gin (complete_name gin_trgm_ops)")
    _industry_idx = models.Index("(industry_id) WHERE industry_id IS NOT NULL")
    _wechat_id_idx = models.Index("(wechat_id) WHERE wechat_id IS NOT NULL")
    _street_trgm_idx = models.Index("USING gin (street gin_trgm_ops) WHERE street IS NOT NULL")
    _city_trgm_idx = models.Index("USING gin (city gin_trgm_ops) WHERE city IS NOT NULL")
    _protected_needs_owner = models.Constraint(
        "CHECK(NOT is_protected OR user_id IS NOT NULL)",
        "Only a claimed customer can be protected.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("is_customer", "user_id")
    def _compute_pool_state(self):
        for partner in self:
            partner.pool_state = self._pool_state_of(partner.is_customer, partner.user_id)

    @api.model
    def _pool_state_of(self, is_customer, owner):
        return ("claimed" if owner else "pool") if is_customer else False

    @api.depends("pool_state", "is_protected", "claim_date", "last_followup_date", "last_won_date")
    def _compute_recall_date(self):
        settings = self._get_pool_settings()
        for partner in self:
            partner.recall_date = partner._get_recall_date(settings)

    @api.depends("is_premium_customer", "value_grade_id.is_premium", "commercial_partner_id")
    def _compute_customer_tier(self):
        customers = self.commercial_partner_id
        with_orders = set()
        if customers.ids:
            self.env["sale.order"].flush_model(["state", "partner_id"])
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env.cr.execute(SQL(
                """
                SELECT DISTINCT p.commercial_partner_id FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND p.commercial_partner_id IN %s
                """,
                tuple(customers.ids),
            ))
            with_orders = {row[0] for row in self.env.cr.fetchall()}
        for partner in self:
            customer = partner.commercial_partner_id
            if customer.is_premium_customer or customer.value_grade_id.is_premium:
                partner.customer_tier = "premium"
            elif customer.id in with_orders:
                partner.customer_tier = "old"
            else:
                partner.customer_tier = "new"

    @api.depends("followup_ids")
    def _compute_followup_count(self):
        counts = dict(self.env["res.partner.followup"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.followup_count = counts.get(partner, 0)

    @api.depends("phone", "mobile", "wechat_id")
    def _compute_duplicate_customer_ids(self):
        for partner in self:
            duplicates = partner._find_duplicate_customers()
            # the warning names whom to ask about hidden ones; the field lists only readable ones
            partner.duplicate_customer_ids = duplicates.filtered(lambda d: d.has_access("read"))
            partner.duplicate_warning = partner._get_duplicate_warning(duplicates) if duplicates else False

    @api.depends("phone", "mobile", "wechat_id", "child_ids.phone", "child_ids.mobile", "child_ids.wechat_id")
    def _compute_reach_search_text(self):
        for partner in self:
            partner.reach_search_text = self._reach_search_text_of(
                (person.phone, person.mobile, person.wechat_id) for person in partner | partner.child_ids
            )

    @api.model
    def _reach_search_text_of(self, people):
        """reach_search_text of a customer from the (phone, mobile, WeChat id) of itself and its contacts."""
        values = []
        for phone, mobile, wechat_id in people:
            values += [phone_digits(phone), phone_digits(mobile), wechat_id or ""]
        return " ".join(dict.fromkeys(v for v in values if v)) or False

    @api.depends("share_ids")
    def _compute_share_count(self):
        readable = self.env["res.partner.share"].has_access("read")
        for partner in self:
            partner.share_count = len(partner.share_ids) if readable else 0

    def _compute_shared_user_ids(self):
        for partner in self:
            shares = partner.commercial_partner_id.sudo().share_ids.filtered("is_active")
            partner.shared_user_ids = shares.user_id
            partner.write_shared_user_ids = shares.filtered(lambda s: s.access == "write").user_id

    def _search_shared_user_ids(self, operator, value):
        return self._shared_with_domain(operator, value, ("read", "write"))

    def _search_write_shared_user_ids(self, operator, value):
        return self._shared_with_domain(operator, value, ("write",))

    def _shared_with_domain(self, operator, value, accesses):
        """Partners whose customer is shared, right now, with one of the users ``value``.

        Plain SQL on purpose: record rules use it, and going through the ORM
        would apply the rules of res.partner again inside themselves.
        """
        if operator != "in":
            return NotImplemented
        user_ids = tuple(uid for uid in value if uid)
        if not user_ids:
            return Domain.FALSE
        query = SQL(
            """
            SELECT share.partner_id FROM res_partner_share share
             WHERE share.user_id IN %(users)s
               AND share.access IN %(accesses)s
               AND (share.expires_at IS NULL OR share.expires_at > %(now)s)
            """,
            users=user_ids,
            accesses=accesses,
            now=fields.Datetime.now(),
        )
        return self._commercial_partner_in(query)

    def _compute_document_user_ids(self):
        self.env.cr.execute(SQL(
            "SELECT commercial_partner_id, array_agg(DISTINCT user_id) FROM (%s) docs GROUP BY commercial_partner_id",
            self._document_users_query(SQL("doc.partner_commercial_id IN %s", tuple(self.commercial_partner_id.ids) or (0,))),
        ))
        users_by_partner = dict(self.env.cr.fetchall())
        for partner in self:
            user_ids = users_by_partner.get(partner.commercial_partner_id.id, [])
            partner.document_user_ids = self.env["res.users"].browse(user_ids)

    def _search_document_user_ids(self, operator, value):
        if operator != "in":
            return NotImplemented
        user_ids = tuple(uid for uid in value if uid)
        if not user_ids:
            return Domain.FALSE
        query = self._document_users_query(SQL("doc.user_id IN %s", user_ids))
        return self._commercial_partner_in(SQL("SELECT commercial_partner_id FROM (%s) docs", query))

    @api.model
    def _document_users_query(self, condition):
        """(commercial_partner_id, user_id) of the quotations, orders and leads matching ``condition``.

        Plain SQL on purpose: record rules use it, and going through the ORM
        would apply the rules of res.partner again inside themselves.
        """
        for model in ("sale.order", "crm.lead"):
            self.env[model].flush_model(["partner_commercial_id", "user_id"])
        return SQL(
            """
            SELECT doc.partner_commercial_id AS commercial_partner_id, doc.user_id FROM sale_order doc
             WHERE doc.user_id IS NOT NULL AND %(condition)s
             UNION
            SELECT doc.partner_commercial_id, doc.user_id FROM crm_lead doc
             WHERE doc.user_id IS NOT NULL AND %(condition)s
            """,
            condition=condition,
        )

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
        union = SQL(" UNION ").join(Partner._search(condition).subselect() for condition in conditions)
        return Domain.custom(to_sql=lambda model, alias, query: SQL(
            "%s = ANY(ARRAY(%s))", model._field_to_sql(alias, "id", query), union,
        ))

    @api.model
    def _same_number_domain(self, number):
        """Partners whose phone or mobile is ``number``, separators ignored."""
        digits = phone_digits(number)
        if not looks_like_number(digits):
            return Domain.FALSE
        return Domain.custom(to_sql=lambda model, alias, query: SQL("(%s)", SQL(" OR ").join(
            SQL("(%s IS NOT NULL AND %s = %s)", column, phone_digits_sql(column), digits)
            for column in (model._field_to_sql(alias, fname, query) for fname in ("phone", "mobile"))
        )))

    def _find_duplicate_customers(self):
        """Other managed customers with the same phone, mobile or WeChat (any owner, visible or not)."""
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
                lines.append(self.env._(
                    'Same phone, mobile or WeChat as <a href="/odoo/res.partner/%(id)s">%(customer)s</a> (%(code)s), owner: %(owner)s.',
                    id=customer.id,
                    customer=html_escape(customer.sudo().display_name),
                    code=html_escape(customer.sudo().customer_code or ""),
                    owner=html_escape(owner.name or self.env._("public pool")),
                ))
            else:
                lines.append(self.env._(
                    "A customer you cannot see already has this phone, mobile or WeChat. "
                    "Ask its owner, %(owner)s, or your manager before entering it again.",
                    owner=html_escape(owner.name or self.env._("your manager")),
                ))
        return "<br/>".join(lines)

    @api.depends_context("uid")
    def _compute_visible_user_ids(self):
        # Listing every user who may read a partner would cost a check per
        # user; rules only ask about the current one (in Python, when they
        # check records already read), so the value holds the current user or nothing.
        user = self.env.user
        readable = self.filtered("id").with_user(user)._filtered_access("read")
        for partner in self:
            partner.visible_user_ids = user if partner._origin in readable else False

    def _search_visible_user_ids(self, operator, value):
        """The read rules of res.partner for each of the users ``value``, OR-ed.

        Record rules are applied as superuser to the records they reach through
        a path ("partner_id.user_id"), so a rule on another model cannot rely on
        the rules of res.partner by itself: ``('partner_id.visible_user_ids', 'in',
        [user.id])`` brings them in, from the one place they are defined.
        """
        if operator != "in":
            return NotImplemented
        rules = self.env["ir.rule"].sudo()
        domains = [
            rules.with_user(user_id)._compute_domain(self._name, "read")
            for user_id in value if user_id
        ]
        return Domain.OR(domains) if domains else Domain.FALSE

    @api.model
    def _commercial_partner_in(self, query):
        """Domain: the partner's commercial entity is among the ids ``query`` selects."""
        return Domain.custom(to_sql=lambda model, alias, q: SQL(
            "%s IN (%s)",
            model._field_to_sql(alias, "commercial_partner_id", q),
            query,
        ))

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_is_mine(self):
        is_manager = self._is_customer_manager()
        for partner in self:
            partner.is_mine = partner.user_id == self.env.user
            partner.can_manage_customer = partner.is_customer and (partner.is_mine or is_manager)

    def _search_is_mine(self, operator, value):
        if operator != "in":
            return NotImplemented
        mine = Domain("user_id", "=", self.env.uid)
        return mine if True in value else ~mine

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["is_customer", "user_id", "is_protected"]

    @api.model_create_multi
    def create(self, vals_list):
        self._check_customer_entry(vals_list)
        self._prepare_customer_codes(vals_list)
        partners = super().create(vals_list)
        customers = partners.filtered(lambda p: p.is_customer and not p.parent_id)
        if customers:
            customers._on_customer_created()
        return partners

    def write(self, vals):
        if not self.env.su:
            self._check_ownership_write(vals)
        if vals.keys() & set(RECALL_CLOCK_FIELDS):
            vals = dict(vals, recall_warned=False)
            self._clear_recall_warnings()
        res = super().write(vals)
        if vals.get("is_customer"):
            self.filtered(lambda p: not p.parent_id and not p.customer_code)._assign_customer_code()
        return res

    def _check_customer_entry(self, vals_list):
        """Reps enter customers for themselves; clerks and managers for anyone."""
        if self.env.su or self._is_customer_manager() or self._is_customer_clerk():
            return
        default_customer = self.env.context.get("default_is_customer")
        default_owner = self.env.context.get("default_user_id")
        adding = 0
        for vals in vals_list:
            if vals.get("parent_id") or not vals.get("is_customer", default_customer):
                continue
            if vals.get("user_id", default_owner) != self.env.uid:
                raise UserError(self.env._(
                    "As a sales rep you can only enter customers for yourself. "
                    "A clerk or a sales manager can enter customers for other reps "
                    "or into the public pool."
                ))
            adding += 1
        if adding:
            self._check_owner_quota(self.env.user, "claimed", adding)

    def _prepare_customer_codes(self, vals_list):
        """Give new top-level customers their number within the create (no second write)."""
        default_customer = self.env.context.get("default_is_customer")
        new_customers = [
            vals for vals in vals_list
            if vals.get("is_customer", default_customer) and not vals.get("parent_id") and not vals.get("customer_code")
        ]
        for vals, code in zip(new_customers, self._next_customer_codes(len(new_customers))):
            vals["customer_code"] = code

    def _on_customer_created(self):
        self.filtered(lambda p: not p.customer_code)._assign_customer_code()
        owned = self.filtered("user_id")
        if owned:
            owned.sudo().write({"claim_date": fields.Datetime.now()})
            owned._log_new_owners()

    def _log_new_owners(self):
        """Pool history of new customers created with an owner: claimed by their creator, or assigned."""
        self._log_pool_events([
            (customer, "claim" if customer.user_id == self.env.user else "assign", customer.user_id)
            for customer in self
        ])

    def _assign_customer_code(self):
        for partner, code in zip(self, self._next_customer_codes(len(self))):
            partner.sudo().customer_code = code

    @api.model
    def _next_customer_codes(self, count):
        """``count`` new customer numbers, in one query when the sequence allows it (imports)."""
        sequence = self.env["ir.sequence"].sudo().search(
            [("code", "=", "res.partner.customer_code"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id", limit=1,
        )
        if not count:
            return []
        if not sequence or sequence.implementation != "standard" or sequence.use_date_range or count < 2:
            return [self.env["ir.sequence"].sudo().next_by_code("res.partner.customer_code") for _ in range(count)]
        self.env.cr.execute(SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count,
        ))
        numbers = [number for number, in self.env.cr.fetchall()]  # before reading the sequence: it may query
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in numbers]

    def _check_ownership_write(self, vals):
        changed = [fname for fname in OWNERSHIP_FIELDS if fname in vals]
        if not changed or self._is_customer_manager():
            return
        for partner in self:
            if not (partner.is_customer or vals.get("is_customer")) or partner.parent_id:
                continue  # contacts follow their company (synced as superuser)
            for fname in changed:
                new_value = partner._fields[fname].convert_to_record(
                    partner._fields[fname].convert_to_cache(vals[fname], partner), partner
                )
                if partner[fname] != new_value:
                    raise UserError(self.env._(
                        "The owner, protection, customer status and premium flag of %(customer)s "
                        "change only through Claim, Release and Protect, or by a sales manager.",
                        customer=partner.display_name,
                    ))

    # ------------------------------------------------------------------
    # Actions: claim, release, assign, protect (领用、退回、分配、保护)
    # ------------------------------------------------------------------

    def action_claim(self):
        """Claim customers from the public pool for the current user."""
        user = self._ensure_sales_user(self.env.user)
        # Read as superuser: a customer claimed a moment ago by someone else may
        # already be invisible to this rep, who still deserves a clear answer.
        customers = self.sudo()._lock_customers()
        for customer in customers:
            if customer.user_id == user:
                raise UserError(self.env._("%s is already yours.", customer.display_name))
            if customer.pool_state != "pool":
                raise UserError(customer._get_not_in_pool_message())
        customers = customers.with_env(self.env)
        customers._check_reclaim_cooldown(user)
        self._check_owner_quota(user, "claimed", len(customers))
        customers._set_owner(user, "claim")
        return True

    def _get_not_in_pool_message(self):
        self.ensure_one()
        if self.with_user(self.env.uid).has_access("read"):
            return self.env._(
                "%(customer)s has already been claimed by %(owner)s.",
                customer=self.display_name,
                owner=self.user_id.name,
            )
        return self.env._("%s is no longer in the public pool.", self.display_name)

    def action_release(self):
        """Give customers back to the public pool."""
        customers = self._lock_customers()
        for customer in customers:
            if customer.pool_state != "claimed":
                raise UserError(self.env._("%s is already in the public pool.", customer.display_name))
            customer._check_can_manage()
        customers._set_owner(self.env["res.users"], "release")
        return True

    def action_assign_to(self, user, note=False):
        """Give customers to a sales rep (managers only)."""
        if not self._is_customer_manager():
            raise AccessError(self.env._("Only a sales manager can assign customers to a rep."))
        user = self._ensure_sales_user(user)
        customers = self._lock_customers().filtered(lambda c: c.user_id != user)
        self._check_owner_quota(user, "claimed", len(customers))
        customers._set_owner(user, "assign", note=note)
        return True

    def action_protect(self):
        """Protect customers: other reps stop seeing them, the pool stops recalling them."""
        customers = self._lock_customers()
        for customer in customers:
            if customer.pool_state != "claimed":
                raise UserError(self.env._(
                    "%s is in the public pool: claim it before protecting it.",
                    customer.display_name,
                ))
            customer._check_can_manage()
        to_protect = customers.filtered(lambda c: not c.is_protected)
        for owner, owned in to_protect.grouped("user_id").items():
            self._check_owner_quota(owner, "protected", len(owned))
        to_protect.sudo().write({"is_protected": True, "protected_date": fields.Datetime.now()})
        for customer in to_protect:
            customer._post_pool_note(self.env._("Customer protected by %s.", self.env.user.name))
        return True

    def action_unprotect(self):
        """Remove the protection of customers."""
        customers = self._lock_customers()
        for customer in customers:
            customer._check_can_manage()
        to_unprotect = customers.filtered("is_protected")
        to_unprotect.sudo().write({"is_protected": False, "protected_date": False})
        for customer in to_unprotect:
            customer._post_pool_note(self.env._("Protection removed by %s.", self.env.user.name))
        return True

    def action_new_quotation(self):
        """A new quotation of this customer, with its salesperson, pricelist and payment terms."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return window_action(
            self.env,
            "sale.order",
            name=self.env._("New Quotation"),
            view_mode="form",
            target="current",
            context={
                "default_partner_id": self.id,
                "default_user_id": (customer.user_id or self.env.user).id,
                "default_pricelist_id": customer.property_product_pricelist.id,
                "default_payment_term_id": customer.property_payment_term_id.id,
            },
        )

    def action_open_share_wizard(self):
        self.ensure_one()
        return window_action(
            self.env,
            "res.partner.share.wizard",
            name=self.env._("Share Customer"),
            view_mode="form",
            target="new",
            context={"default_partner_ids": self.ids},
        )

    def action_view_shares(self):
        self.ensure_one()
        return window_action(
            self.env,
            "res.partner.share",
            name=self.env._("Shares of %s", self.display_name),
            view_mode="list",
            domain=[("partner_id", "=", self.id)],
            context={"default_partner_id": self.id},
        )

    # ------------------------------------------------------------------
    # Sharing (客户共享)
    # ------------------------------------------------------------------

    def share_with(self, users, access="read", expires_at=None):
        """Share customers with colleagues, read-only or read-write, until ``expires_at``."""
        if access not in ("read", "write"):
            raise UserError(self.env._("Share access must be 'read' or 'write'."))
        users = self._ensure_share_users(users)
        expires_at = expires_at and fields.Datetime.to_datetime(expires_at)
        if expires_at and expires_at <= fields.Datetime.now():
            raise UserError(self.env._("The share must expire in the future."))
        customers = self._lock_customers()
        for customer in customers:
            if customer.pool_state != "claimed":
                raise UserError(self.env._(
                    "%s is in the public pool, where every rep already sees it.",
                    customer.display_name,
                ))
            customer._check_can_manage()
            if customer.user_id in users:
                raise UserError(self.env._(
                    "%(user)s owns %(customer)s already.",
                    user=customer.user_id.name,
                    customer=customer.display_name,
                ))
        for customer in customers:
            customer._upsert_shares(users, access, expires_at)
        return True

    def unshare(self, users):
        """Stop sharing customers with ``users``."""
        if not isinstance(users, models.BaseModel) or users._name != "res.users":
            raise UserError(self.env._("Customers can only be shared with users of the system."))
        customers = self._lock_customers()
        for customer in customers:
            customer._check_can_manage()
        shares = self.env["res.partner.share"].sudo().search([
            ("partner_id", "in", customers.ids),
            ("user_id", "in", users.ids),
        ])
        for share in shares:
            share.partner_id._post_pool_note(self.env._("No longer shared with %s.", share.user_id.name))
        shares.unlink()
        return True

    def _upsert_shares(self, users, access, expires_at):
        self.ensure_one()
        Share = self.env["res.partner.share"].sudo()
        existing = Share.search([("partner_id", "=", self.id), ("user_id", "in", users.ids)])
        existing.write({"access": access, "expires_at": expires_at, "shared_by_id": self.env.uid})
        Share.create([
            {
                "partner_id": self.id,
                "user_id": user.id,
                "access": access,
                "expires_at": expires_at,
                "shared_by_id": self.env.uid,
            }
            for user in users - existing.user_id
        ])
        access_label = dict(self.env["res.partner.share"]._fields["access"]._description_selection(self.env))[access]
        if expires_at:
            body = self.env._(
                "Shared with %(users)s (%(access)s) until %(date)s.",
                users=", ".join(users.mapped("name")),
                access=access_label,
                date=format_datetime(self.env, expires_at),
            )
        else:
            body = self.env._(
                "Shared with %(users)s (%(access)s).",
                users=", ".join(users.mapped("name")),
                access=access_label,
            )
        self._post_pool_note(body, partner_ids=users.partner_id.ids)

    def _ensure_share_users(self, users):
        if not isinstance(users, models.BaseModel) or users._name != "res.users":
            raise UserError(self.env._("Customers can only be shared with users of the system."))
        users = users.sudo().exists()
        if not users:
            raise UserError(self.env._("Choose at least one existing user to share with."))
        not_internal = users.filtered(lambda u: u.share or not u.active)
        if not_internal:
            raise UserError(self.env._(
                "%s is not an active internal user: customers can only be shared with colleagues.",
                ", ".join(not_internal.mapped("name")),
            ))
        return users.with_env(self.env)

    # ------------------------------------------------------------------
    # Auto-recall (自动回收)
    # ------------------------------------------------------------------

    @api.model
    def _cron_recall_customers(self, batch_size=500):
        """Warn owners of customers about to go back to the pool, then recall idle ones."""
        settings = self._get_pool_settings()
        if not (settings["recall_followup_days"] or settings["recall_deal_days"]):
            return
        now = fields.Datetime.now()
        if settings["recall_warning_days"]:
            self._send_recall_warnings(settings, now, batch_size)
        self._recall_idle_customers(settings, now, batch_size)

    @api.model
    def _recall_idle_customers(self, settings, now, batch_size):
        due = self._recall_due_domain(settings, now)
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=self.search_count(due))
        while customers := self.search(due, limit=batch_size, order="id"):
            customers._set_owner(self.env["res.users"], "recall")
            if not Cron._commit_progress(len(customers)):
                break

    @api.model
    def _send_recall_warnings(self, settings, now, batch_size):
        soon = fields.Datetime.add(now, days=settings["recall_warning_days"])
        domain = (
            self._recall_due_domain(settings, soon)
            & ~self._recall_due_domain(settings, now)
            & Domain("recall_warned", "=", False)
        )
        while customers := self.search(domain, limit=batch_size, order="id"):
            for customer in customers:
                customer._warn_owner_of_recall(settings)
            customers.write({"recall_warned": True})
            if not self.env["ir.cron"]._commit_progress(len(customers)):
                break

    def _warn_owner_of_recall(self, settings):
        self.ensure_one()
        recall_date = self._get_recall_date(settings)
        self.activity_schedule(
            "sales_pipeline.mail_activity_type_recall_warning",
            date_deadline=fields.Date.context_today(self, recall_date),
            summary=self.env._("Follow up, or it returns to the public pool"),
            note=self.env._(
                "%(customer)s returns to the public pool on %(date)s unless you "
                "follow it up or win a deal with it.",
                customer=self.display_name,
                date=format_datetime(self.env, recall_date, tz=self.user_id.tz),
            ),
            user_id=self.user_id.id,
        )

    def _clear_recall_warnings(self):
        warned = self.filtered("recall_warned")
        if warned:
            warned.sudo().activity_unlink(["sales_pipeline.mail_activity_type_recall_warning"])

    @api.model
    def _recall_due_domain(self, settings, at):
        """Claimed, unprotected customers idle at ``at`` by either recall rule."""
        idle = []
        for days, clock in (
            (settings["recall_followup_days"], "last_followup_date"),
            (settings["recall_deal_days"], "last_won_date"),
        ):
            if days:
                limit = at - timedelta(days=days)
                idle.append(
                    Domain("claim_date", "<", limit)
                    & (Domain(clock, "=", False) | Domain(clock, "<", limit))
                )
        return Domain.AND([
            Domain("is_customer", "=", True),
            Domain("parent_id", "=", False),
            Domain("pool_state", "=", "claimed"),
            Domain("is_protected", "=", False),
            Domain.OR(idle),
        ])

    def _get_recall_date(self, settings):
        self.ensure_one()
        if self.pool_state != "claimed" or self.is_protected or not self.claim_date:
            return False
        dates = []
        for days, clock in (
            (settings["recall_followup_days"], self.last_followup_date),
            (settings["recall_deal_days"], self.last_won_date),
        ):
            if days:
                dates.append(max(self.claim_date, clock or self.claim_date) + timedelta(days=days))
        return min(dates) if dates else False

    def _register_won_deal(self):
        """A deal was won with these customers: restart their recall clock."""
        customers = self.commercial_partner_id.filtered("is_customer")
        customers.sudo().write({"last_won_date": fields.Datetime.now()})

    def _register_followup(self, when=None, next_date=None):
        """A follow-up was made with these customers: restart their recall clock."""
        when = when or fields.Datetime.now()
        for customer in self.commercial_partner_id.filtered("is_customer"):
            if not customer.last_followup_date or customer.last_followup_date <= when:
                vals = {"last_followup_date": when}
                if next_date is not None:
                    vals["next_followup_date"] = next_date
                customer.sudo().write(vals)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _set_owner(self, user, action, note=False):
        """Hand customers to ``user`` (or to the pool), log it and drop old shares."""
        now = fields.Datetime.now()
        # the cooldown and the history name the rep who lost the customer
        self._log_pool_events([
            (customer, action, user if action in ("claim", "assign") else customer.user_id) for customer in self
        ], note)
        vals = {
            "user_id": user.id,
            "claim_date": now if user else False,
            "is_protected": False,
            "protected_date": False,
        }
        self.sudo().share_ids.unlink()
        self.sudo().write(vals)
        for customer in self:
            customer._post_pool_note(customer._pool_event_message(action, user, note))

    def _pool_event_message(self, action, user, note):
        messages = {
            "claim": self.env._("Claimed from the public pool by %s.", user.name),
            "release": self.env._("Released to the public pool by %s.", self.env.user.name),
            "recall": self.env._("Returned to the public pool: no follow-up or won deal in time."),
            "assign": self.env._("Assigned to %(rep)s by %(manager)s.", rep=user.name, manager=self.env.user.name),
        }
        message = messages[action]
        return f"{message} {note}" if note else message

    @api.model
    def _log_pool_events(self, events, note=False):
        """One pool-history line per (customer, action, rep) of ``events``, in one create."""
        self.env["res.partner.pool.log"].sudo().create([
            {"partner_id": customer.id, "action": action, "user_id": user.id, "note": note}
            for customer, action, user in events
        ])

    def _post_pool_note(self, body, partner_ids=None):
        self.ensure_one()
        self.sudo().message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=partner_ids or [],
        )

    def _lock_customers(self):
        """Lock the customers' rows so that concurrent pool actions cannot both win.

        Raises a clear error when another transaction holds or has just changed
        one of them; returns the customers with fresh values.
        """
        customers = self._ensure_customers()
        lock_rows(self.env, "res_partner", customers.ids, self.env._(
            "Another user is changing this customer at this very moment. Reload it and try again."
        ))
        customers.invalidate_recordset()
        return customers

    def _ensure_customers(self):
        if not self:
            raise UserError(self.env._("Select at least one customer."))
        not_customers = self.filtered(lambda p: not p.is_customer or p.parent_id)
        if not_customers:
            raise UserError(self.env._(
                "%s is not a managed customer (contacts follow their company).",
                ", ".join(not_customers.mapped("display_name")),
            ))
        return self

    def _check_can_manage(self):
        self.ensure_one()
        if self.user_id != self.env.user and not self._is_customer_manager():
            raise AccessError(self.env._(
                "Only the owner of %s or a sales manager can do this.", self.display_name
            ))

    def _check_reclaim_cooldown(self, user):
        days = self._get_pool_settings()["reclaim_cooldown_days"]
        if not days:
            return
        since = fields.Datetime.now() - timedelta(days=days)
        last_loss = self.env["res.partner.pool.log"].sudo().search(
            [
                ("partner_id", "in", self.ids),
                ("user_id", "=", user.id),
                ("action", "in", ("release", "recall")),
                ("date", ">", since),
            ],
            order="date desc",
            limit=1,
        )
        if last_loss:
            raise UserError(self.env._(
                "%(customer)s left you on %(date)s: you can claim it again after %(until)s.",
                customer=last_loss.partner_id.display_name,
                date=format_datetime(self.env, last_loss.date),
                until=format_datetime(self.env, last_loss.date + timedelta(days=days)),
            ))

    @api.model
    def _check_owner_quota(self, user, kind, adding):
        """Refuse when ``user`` would hold more claimed/protected customers than allowed."""
        limit = user._get_customer_quota(kind)
        if not limit or adding <= 0:
            return
        # Two claims of one rep at once would each count without the other: one at a time per rep
        # (the touch makes a transaction that counted before our commit fail in turn).
        lock_rows(self.env, "res_users", user.ids, self.env._(
            "Another change to the customers of %s is in progress: try again in a moment.", user.name,
        ), touch=True)
        domain = [("is_customer", "=", True), ("parent_id", "=", False), ("user_id", "=", user.id)]
        if kind == "protected":
            domain.append(("is_protected", "=", True))
        held = self.sudo().search_count(domain)
        if held + adding > limit:
            if kind == "protected":
                message = self.env._(
                    "%(rep)s may protect at most %(limit)s customers and already protects %(held)s.",
                    rep=user.name, limit=limit, held=held,
                )
            else:
                message = self.env._(
                    "%(rep)s may hold at most %(limit)s customers and already holds %(held)s.",
                    rep=user.name, limit=limit, held=held,
                )
            raise UserError(message)

    @api.model
    def _ensure_sales_user(self, user):
        if not isinstance(user, models.BaseModel) or user._name != "res.users" or len(user) != 1:
            raise UserError(self.env._("Choose one salesperson."))
        if user.share or not user.active or not user.has_group("sales_team.group_sale_salesman"):
            raise UserError(self.env._("%s is not an active salesperson.", user.name))
        return user

    @api.model
    def _get_pool_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        return {
            key: int(params.get_param(f"sales_pipeline.{key}") or 0)
            for key in POOL_SETTINGS
        }

    @api.model
    def _is_customer_manager(self):
        return self.env.su or self.env.user._is_sales_manager()

    @api.model
    def _is_customer_clerk(self):
        return self.env.user.has_group("sales_pipeline.group_customer_clerk")
