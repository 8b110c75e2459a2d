from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime

from ..tools.actions import window_action


class ResPartner(models.Model):
    """Sharing (客户共享): an owner or a manager shares a customer with colleagues."""

    _inherit = "res.partner"

    share_ids = fields.One2many(
        comodel_name="res.partner.share",
        inverse_name="partner_id",
        string="Shares",
    )
    share_count = fields.Integer(compute="_compute_share_count")
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

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

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
        self._check_may_search_users(user_ids)
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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

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
                raise UserError(
                    self.env._(
                        "%s is in the public pool, where every rep already sees it.",
                        customer.display_name,
                    )
                )
            customer._check_can_manage()
            if customer.user_id in users:
                raise UserError(
                    self.env._(
                        "%(user)s owns %(customer)s already.",
                        user=customer.user_id.name,
                        customer=customer.display_name,
                    )
                )
        for customer in customers:
            customer._upsert_shares(users, access, expires_at)
        return True

    def unshare(self, users):
        """Stop sharing customers with ``users``."""
        users = self._as_users(users)
        customers = self._lock_customers()
        for customer in customers:
            customer._check_can_manage()
        shares = (
            self.env["res.partner.share"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", customers.ids),
                    ("user_id", "in", users.ids),
                ]
            )
        )
        for share in shares:
            share.partner_id._post_pool_note(
                self.env._("No longer shared with %s.", share.user_id.name)
            )
        shares.unlink()
        customers._unsubscribe_users_who_cannot_read()
        return True

    def _upsert_shares(self, users, access, expires_at):
        self.ensure_one()
        Share = self.env["res.partner.share"].sudo()
        existing = Share.search([("partner_id", "=", self.id), ("user_id", "in", users.ids)])
        existing.write({"access": access, "expires_at": expires_at, "shared_by_id": self.env.uid})
        Share.create(
            [
                {
                    "partner_id": self.id,
                    "user_id": user.id,
                    "access": access,
                    "expires_at": expires_at,
                    "shared_by_id": self.env.uid,
                }
                for user in users - existing.user_id
            ]
        )
        access_label = dict(
            self.env["res.partner.share"]._fields["access"]._description_selection(self.env)
        )[access]
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

    def _as_users(self, users):
        """``users`` as res.users records: records from Python, or ids (one, or a list) from an
        RPC client, as Odoo's own public methods take them."""
        if isinstance(users, models.BaseModel):
            if users._name != "res.users":
                raise UserError(
                    self.env._("Customers can only be shared with users of the system.")
                )
            return users
        ids = [users] if isinstance(users, int) else users
        if not isinstance(ids, (list, tuple)) or not all(
            isinstance(uid, int) and not isinstance(uid, bool) for uid in ids
        ):
            raise UserError(self.env._("Customers can only be shared with users of the system."))
        return self.env["res.users"].browse(ids)

    def _ensure_share_users(self, users):
        users = self._as_users(users).sudo().exists()
        if not users:
            raise UserError(self.env._("Choose at least one existing user to share with."))
        not_internal = users.filtered(lambda u: u.share or not u.active)
        if not_internal:
            raise UserError(
                self.env._(
                    "%s is not an active internal user: customers can only be shared with colleagues.",  # noqa: E501
                    ", ".join(not_internal.mapped("name")),
                )
            )
        return users.with_env(self.env)
