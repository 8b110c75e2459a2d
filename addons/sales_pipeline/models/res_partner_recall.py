from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime

# A customer's recall clock by one rule: the later of its claim and the rule's last event (GREATEST
# leaves out a missing event), NULL for a partner the recall leaves alone. The recall indexes are on
# this expression and the due search compares it, so PostgreSQL reads the index for the search and
# knows from the index's statistics how many customers are due. A partial index (WHERE recallable)
# would give PostgreSQL no statistics: it guesses a third of the customers due and reads them all.
RECALL_CLOCK = (
    "(CASE WHEN {is_customer} IS TRUE AND {parent_id} IS NULL AND {pool_state} = 'claimed'"
    " AND {is_protected} IS NOT TRUE AND {claim_date} IS NOT NULL"
    " THEN GREATEST({claim_date}, {clock}) END)"
)
RECALL_CLOCK_COLUMNS = ("is_customer", "parent_id", "pool_state", "is_protected", "claim_date")
# Each recall rule: its setting (days) and its event.
RECALL_RULE_CLOCKS = (
    ("recall_followup_days", "last_followup_date"),
    ("recall_deal_days", "last_won_date"),
)
# Writing one of these restarts the recall clock.
RECALL_CLOCK_FIELDS = ("claim_date", *(clock for _days, clock in RECALL_RULE_CLOCKS))


def recall_clock_index(clock):
    expression = RECALL_CLOCK.format(
        **{fname: fname for fname in RECALL_CLOCK_COLUMNS}, clock=clock
    )
    return models.Index(f"({expression})")


def recall_clock_sql(model, alias, query, clock):
    """RECALL_CLOCK on the columns of table ``alias`` (the indexes' expression)."""
    return SQL(
        RECALL_CLOCK.format(**{name: f"%({name})s" for name in (*RECALL_CLOCK_COLUMNS, "clock")}),
        **{fname: model._field_to_sql(alias, fname, query) for fname in RECALL_CLOCK_COLUMNS},
        clock=model._field_to_sql(alias, clock, query),
    )


class ResPartner(models.Model):
    """Auto-recall (自动回收): idle claimed customers return to the pool, owners warned first."""

    _inherit = "res.partner"

    last_followup_date = fields.Datetime(string="Last Follow-up", readonly=True, copy=False)
    last_won_date = fields.Datetime(string="Last Won Deal", readonly=True, copy=False)
    recall_date = fields.Datetime(
        string="Returns to Pool On",
        compute="_compute_recall_date",
        help="Without a follow-up or a won deal by then, the customer goes back "
        "to the public pool.",
    )
    recall_warned = fields.Boolean(copy=False, readonly=True)

    # The due search reads these for the customers idle by a rule: without them it reads every
    # claimed customer, which grows with the table, not with the customers due.
    _recall_followup_idx = recall_clock_index("last_followup_date")
    _recall_deal_idx = recall_clock_index("last_won_date")

    def _get_system_fields(self):
        return super()._get_system_fields() | {
            "last_followup_date",
            "last_won_date",
            "recall_warned",
        }

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends(
        "pool_state",
        "is_protected",
        "parent_id",
        "claim_date",
        "last_followup_date",
        "last_won_date",
    )
    def _compute_recall_date(self):
        settings = self._get_pool_settings()
        for partner in self:
            partner.recall_date = partner._get_recall_date(settings)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        if vals.keys() & set(RECALL_CLOCK_FIELDS):
            vals = dict(vals, recall_warned=False)
            self._clear_recall_warnings()
        return super().write(vals)

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
        limits = [
            (clock, at - timedelta(days=settings[days]))
            for days, clock in RECALL_RULE_CLOCKS
            if settings[days]
        ]
        if not limits:
            return Domain.FALSE

        def idle_sql(model, alias, query):
            idle = SQL(" OR ").join(
                SQL("%s < %s", recall_clock_sql(model, alias, query, clock), limit)
                for clock, limit in limits
            )
            return SQL("(%s)", idle)

        return Domain.custom(to_sql=idle_sql)

    def _get_recall_date(self, settings):
        self.ensure_one()
        if (
            self.pool_state != "claimed"
            or self.is_protected
            or self.parent_id  # a contact goes with its company
            or not self.claim_date
        ):
            return False
        dates = [
            max(self.claim_date, self[clock] or self.claim_date) + timedelta(days=settings[days])
            for days, clock in RECALL_RULE_CLOCKS
            if settings[days]
        ]
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
