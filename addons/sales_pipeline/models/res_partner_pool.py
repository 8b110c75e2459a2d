from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import format_datetime

from ..tools.locking import lock_rows
from ..tools.records import as_record_id

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


class ResPartner(models.Model):
    """The public pool (客户公海): claim, release, assign, within quotas and cooldowns."""

    _inherit = "res.partner"

    pool_state = fields.Selection(
        selection=POOL_STATES,
        string="Pool Status",
        compute="_compute_pool_state",
        store=True,
        index=True,
    )
    claim_date = fields.Datetime(string="Claimed On", readonly=True, copy=False)
    pool_log_ids = fields.One2many(
        comodel_name="res.partner.pool.log",
        inverse_name="partner_id",
        string="Pool History",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"claim_date", "pool_state"}

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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_customer_entry(vals_list)
        for vals in vals_list:
            self.browse()._check_no_customer_put_under_another(vals)
        partners = super().create(vals_list)
        owned = partners.filtered(lambda p: p.is_customer and not p.parent_id and p.user_id)
        if owned:
            owned.sudo().write({"claim_date": fields.Datetime.now()})
            owned._log_new_owners()
        return partners

    def write(self, vals):
        if not self.env.su:
            self._check_ownership_write(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions: claim, release, assign (领用、退回、分配)
    # ------------------------------------------------------------------

    def action_claim(self):
        """Claim customers from the public pool for the current user."""
        user = self._ensure_sales_user(self.env.user)
        # A customer claimed a moment ago by someone else may already be invisible to this rep,
        # who still deserves a clear answer: the same as for one deleted meanwhile, naming none.
        if self.exists() != self or self._filtered_access("read") != self:
            raise UserError(self.env._("This customer is no longer in the public pool."))
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
        return self.env._("This customer is no longer in the public pool.")

    def action_release(self):
        """Give customers back to the public pool."""
        customers = self._lock_customers()
        for customer in customers:
            if customer.pool_state != "claimed":
                raise UserError(
                    self.env._("%s is already in the public pool.", customer.display_name)
                )
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

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

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
                raise UserError(
                    self.env._(
                        "As a sales rep you can only enter customers for yourself. "
                        "A clerk or a sales manager can enter customers for other reps "
                        "or into the public pool."
                    )
                )
            adding += 1
        if adding:
            self._check_owner_quota(self.env.user, "claimed", adding)

    def _log_new_owners(self):
        """Pool history of new customers created with an owner: claimed by their creator, or
        assigned."""
        self._log_pool_events(
            [
                (
                    customer,
                    "claim" if customer.user_id == self.env.user else "assign",
                    customer.user_id,
                )
                for customer in self
            ]
        )

    def _check_ownership_write(self, vals):
        if "parent_id" in vals and not vals["parent_id"] and not self._is_customer_manager():
            detached = self.filtered(lambda p: p.parent_id and p.commercial_partner_id.is_customer)
            if detached:
                # a contact set loose would be a customer of its own, outside Claim and the pool
                raise UserError(
                    self.env._(
                        "%s is a contact of a managed customer: only a sales manager can detach it.",  # noqa: E501
                        detached[0].display_name,
                    )
                )
        self._check_no_customer_put_under_another(vals)
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
                    raise UserError(
                        self.env._(
                            "The owner, protection, customer status and premium flag of %(customer)s "  # noqa: E501
                            "change only through Claim, Release and Protect, or by a sales manager.",  # noqa: E501
                            customer=partner.display_name,
                        )
                    )

    def _check_no_customer_put_under_another(self, vals):
        """Under another company a customer follows it: out of its owner's quota, the recall and
        the pool. Only a sales manager puts one there."""
        if self.env.su:
            return
        nested = self._customers_put_under_another(vals)
        if nested and not self._is_customer_manager():
            raise UserError(
                self.env._(
                    "%s is a customer of its own: only a sales manager can put it under "
                    "another company.",
                    nested[0].display_name,
                )
            )

    def _customers_put_under_another(self, vals):
        """The customers of their own that ``vals`` puts under another partner: these partners
        by their parent, or the partners that their contacts' commands link (checked here too:
        Odoo writes a linked partner as the user who began the transaction, not always this
        one)."""
        partners = self if vals.get("parent_id") else self.browse()
        linked_ids = []
        for command in self._child_commands(vals.get("child_ids")):
            if command[0] == Command.LINK:
                linked_ids.append(command[1])
            elif command[0] == Command.SET:
                linked_ids.extend(command[2])
        # ids that are not numbers get Odoo's own error when the command runs
        partners |= self.browse(filter(None, map(as_record_id, linked_ids)))
        nested = partners.sudo().filtered(lambda p: p.is_customer and not p.parent_id)
        return nested.with_env(self.env)

    @api.model
    def _child_commands(self, value):
        """``value`` of ``child_ids`` as the commands Odoo reads it as: ids (a list, a tuple, a
        recordset) set the contacts."""
        if isinstance(value, models.BaseModel):
            return [Command.set(value.ids)]
        if isinstance(value, tuple) or (
            isinstance(value, list) and value and not isinstance(value[0], (tuple, list))
        ):
            return [Command.set(list(value))]
        return value or []

    def _set_owner(self, user, action, note=False):
        """Hand customers to ``user`` (or to the pool), log it and drop old shares."""
        now = fields.Datetime.now()
        # the cooldown and the history name the rep who lost the customer
        self._log_pool_events(
            [
                (customer, action, user if action in ("claim", "assign") else customer.user_id)
                for customer in self
            ],
            note,
        )
        vals = {
            "user_id": user.id,
            "claim_date": now if user else False,
            "is_protected": False,
            "protected_date": False,
        }
        self.sudo().share_ids.unlink()
        # the tracking of the change names each customer's and contact's former salesperson, one
        # user at a time (7 ms each with 500 reps): their names at once beforehand
        (self | self.child_ids).sudo().user_id.mapped("display_name")
        self.sudo().write(vals)
        self.sudo()._post_notes(
            [
                (customer, customer._pool_event_message(action, user, note), None)
                for customer in self
            ]
        )
        self._unsubscribe_users_who_cannot_read()

    def _pool_event_message(self, action, user, note):
        messages = {
            "claim": self.env._("Claimed from the public pool by %s.", user.name),
            "release": self.env._("Released to the public pool by %s.", self.env.user.name),
            "recall": self.env._("Returned to the public pool: no follow-up or won deal in time."),
            "assign": self.env._(
                "Assigned to %(rep)s by %(manager)s.", rep=user.name, manager=self.env.user.name
            ),
        }
        message = messages[action]
        return f"{message} {note}" if note else message

    @api.model
    def _log_pool_events(self, events, note=False):
        """One pool-history line per (customer, action, rep) of ``events``, in one create."""
        self.env["res.partner.pool.log"].sudo().create(
            [
                {"partner_id": customer.id, "action": action, "user_id": user.id, "note": note}
                for customer, action, user in events
            ]
        )

    def _check_reclaim_cooldown(self, user):
        days = self._get_pool_settings()["reclaim_cooldown_days"]
        if not days:
            return
        since = fields.Datetime.now() - timedelta(days=days)
        last_loss = (
            self.env["res.partner.pool.log"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("user_id", "=", user.id),
                    ("action", "in", ("release", "recall")),
                    ("date", ">", since),
                ],
                order="date desc",
                limit=1,
            )
        )
        if last_loss:
            raise UserError(
                self.env._(
                    "%(customer)s left you on %(date)s: you can claim it again after %(until)s.",
                    customer=last_loss.partner_id.display_name,
                    date=format_datetime(self.env, last_loss.date),
                    until=format_datetime(self.env, last_loss.date + timedelta(days=days)),
                )
            )

    @api.model
    def _check_owner_quota(self, user, kind, adding):
        """Refuse when ``user`` would hold more claimed/protected customers than allowed."""
        limit = user._get_customer_quota(kind)
        if not limit or adding <= 0:
            return
        # Two claims of one rep at once would each count without the other: one at a time per rep
        # (the touch makes a transaction that counted before our commit fail in turn).
        lock_rows(
            self.env,
            "res_users",
            user.ids,
            self.env._(
                "Another change to the customers of %s is in progress: try again in a moment.",
                user.name,
            ),
            touch=True,
        )
        domain = [("is_customer", "=", True), ("parent_id", "=", False), ("user_id", "=", user.id)]
        if kind == "protected":
            domain.append(("is_protected", "=", True))
        held = self.sudo().search_count(domain)
        if held + adding > limit:
            if kind == "protected":
                message = self.env._(
                    "%(rep)s may protect at most %(limit)s customers and already protects %(held)s.",  # noqa: E501
                    rep=user.name,
                    limit=limit,
                    held=held,
                )
            else:
                message = self.env._(
                    "%(rep)s may hold at most %(limit)s customers and already holds %(held)s.",
                    rep=user.name,
                    limit=limit,
                    held=held,
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
        return {key: int(params.get_param(f"sales_pipeline.{key}") or 0) for key in POOL_SETTINGS}
