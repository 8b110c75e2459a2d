from odoo import api, fields, models, tools
from odoo.fields import Domain
from odoo.orm.domains import DomainAnd, DomainCondition
from odoo.tools import SQL

# Each source's lines get ids ``source id * ID_STRIDE + kind number`` (unique, stable).
ID_STRIDE = 16
TIMELINE_KINDS = [
    ("followup", "Follow-up"),
    ("project", "Project"),
    ("quotation", "Quotation"),
    ("contract", "Contract"),
    ("execution", "Execution"),
    ("return", "Return"),
]


class ResPartnerTimeline(models.Model):
    """One history of a customer (客户详情的所有历史信息), newest first: a SQL view over the
    records of each kind (follow-ups, projects, quotations, contracts, executions, returns; the
    after-sales and WeChat modules add theirs). A line is readable when its record is: a global
    rule asks each source model's own rules of the current user."""

    _name = "res.partner.timeline"
    _description = "Customer History"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    # flushed before the view is read
    _depends = {
        "res.partner.followup": ["date", "partner_id", "content", "user_id"],
        "crm.lead": ["create_date", "partner_commercial_id", "name", "user_id", "active"],
        "sale.order": [
            "date_order",
            "is_contract",
            "state",
            "partner_id",
            "name",
            "amount_total",
            "user_id",
            "contract_executed_on",
        ],
        "sale.order.return": ["create_date", "partner_id", "name", "reason", "user_id"],
        "res.partner": ["commercial_partner_id"],
    }

    date = fields.Datetime(readonly=True)
    kind = fields.Selection(selection=TIMELINE_KINDS, readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", readonly=True)
    name = fields.Char(string="What", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="By", readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Integer(string="Document ID", readonly=True)
    readable = fields.Boolean(compute="_compute_readable", search="_search_readable")

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ").join(self._timeline_queries()),
            )
        )

    @api.model
    def _timeline_queries(self):
        """One SELECT per kind of line, with the columns id, date, kind, partner_id, name,
        user_id, res_model, res_id (modules add theirs)."""
        return [
            SQL(
                """SELECT f.id * %(stride)s + 1 AS id, f.date AS date, 'followup' AS kind,
                          f.partner_id AS partner_id,
                          left(regexp_replace(coalesce(f.content, ''), '<[^>]*>', '', 'g'), 200)
                              AS name,
                          f.user_id AS user_id, 'res.partner.followup' AS res_model, f.id AS res_id
                     FROM res_partner_followup f""",
                stride=ID_STRIDE,
            ),
            SQL(
                """SELECT l.id * %(stride)s + 2, l.create_date, 'project', l.partner_commercial_id,
                          l.name, l.user_id, 'crm.lead', l.id
                     FROM crm_lead l
                    WHERE l.partner_commercial_id IS NOT NULL AND l.active""",
                stride=ID_STRIDE,
            ),
            SQL(
                """SELECT o.id * %(stride)s + 3, o.date_order,
                          CASE WHEN o.is_contract OR o.state = 'sale' THEN 'contract'
                               ELSE 'quotation' END,
                          p.commercial_partner_id,
                          o.name || ' ' || to_char(o.amount_total, 'FM999,999,999,990.00'),
                          o.user_id, 'sale.order', o.id
                     FROM sale_order o JOIN res_partner p ON p.id = o.partner_id""",
                stride=ID_STRIDE,
            ),
            SQL(
                """SELECT o.id * %(stride)s + 4, o.contract_executed_on, 'execution',
                          p.commercial_partner_id, o.name, o.user_id, 'sale.order', o.id
                     FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                    WHERE o.contract_executed_on IS NOT NULL""",
                stride=ID_STRIDE,
            ),
            SQL(
                """SELECT r.id * %(stride)s + 5, r.create_date, 'return', p.commercial_partner_id,
                          r.name || ' ' || coalesce(left(r.reason, 150), ''), r.user_id,
                          'sale.order.return', r.id
                     FROM sale_order_return r JOIN res_partner p ON p.id = r.partner_id""",
                stride=ID_STRIDE,
            ),
        ]

    # ------------------------------------------------------------------
    # Who reads what: a line is readable when its record is
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_readable(self):
        # the user's own search (whoever computes): the lines whose record they may read
        readable = set(
            self.env(su=False)[self._name].search([("id", "in", self.ids)]).ids if self.ids else []
        )
        for line in self:
            line.readable = line.id in readable

    def _search_readable(self, operator, value):
        if operator != "in" or True not in value:
            return NotImplemented
        # rules are evaluated as superuser: ask the real user's own rules
        user_env = self.env(su=False)
        customers = self.env.context.get("timeline_partner_ids")
        domains = []
        for model, partner_path in sorted(self._timeline_models().items()):
            Model = user_env[model].with_context(active_test=False)
            if not Model.has_access("read"):
                continue
            # the search names the customers: ask the rules about their records only
            narrow = Domain(partner_path, "in", customers) if customers else Domain.TRUE
            domains.append(
                Domain("res_model", "=", model) & Domain("res_id", "in", Model._search(narrow))
            )
        return Domain.OR(domains) if domains else Domain.FALSE

    @api.model
    def _search(self, domain, *args, **kwargs):
        customers = self._customers_searched(domain)
        if customers:
            self = self.with_context(timeline_partner_ids=customers)  # noqa: PLW0642
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _customers_searched(self, domain):
        """The customer ids a search is limited to (``partner_id`` = / in, at the top of the
        domain), if any."""
        domain = Domain(domain)
        conditions = domain.children if isinstance(domain, DomainAnd) else (domain,)
        for condition in conditions:
            if (
                isinstance(condition, DomainCondition)
                and condition.field_expr == "partner_id"
                and condition.operator in ("=", "in")
            ):
                value = condition.value
                ids = value if isinstance(value, (list, tuple, set)) else [value]
                if ids and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
                    return sorted(ids)
        return None

    @api.model
    def _timeline_models(self):
        """The models of the lines, each with the path from it to its customer."""
        return {
            "res.partner.followup": "partner_id",
            "crm.lead": "partner_commercial_id",
            "sale.order": "partner_id.commercial_partner_id",
            "sale.order.return": "partner_id.commercial_partner_id",
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open(self):
        """Open the line's record."""
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return record.get_formview_action()
