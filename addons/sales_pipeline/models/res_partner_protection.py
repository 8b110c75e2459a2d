from odoo import fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    """Protection (客户保护): a protected customer is hidden from other reps and never recalled."""

    _inherit = "res.partner"

    is_protected = fields.Boolean(
        string="Protected",
        readonly=True,
        copy=False,
        index=True,
        help="A protected customer is invisible to other sales reps and is "
        "never recalled to the public pool.",
    )
    protected_date = fields.Datetime(string="Protected On", readonly=True, copy=False)

    _protected_needs_owner = models.Constraint(
        "CHECK(NOT is_protected OR user_id IS NOT NULL)",
        "Only a claimed customer can be protected.",
    )

    def _get_manager_fields(self):
        return super()._get_manager_fields() | {"is_protected"}

    def _get_system_fields(self):
        return super()._get_system_fields() | {"protected_date"}

    # ------------------------------------------------------------------
    # Actions: protect (保护)
    # ------------------------------------------------------------------

    def action_protect(self):
        """Protect customers: other reps stop seeing them, the pool stops recalling them."""
        customers = self._lock_customers()
        for customer in customers:
            if customer.pool_state != "claimed":
                raise UserError(
                    self.env._(
                        "%s is in the public pool: claim it before protecting it.",
                        customer.display_name,
                    )
                )
            customer._check_can_manage()
        to_protect = customers.filtered(lambda c: not c.is_protected)
        for owner, owned in to_protect.grouped("user_id").items():
            self._check_owner_quota(owner, "protected", len(owned))
        to_protect.sudo().write({"is_protected": True, "protected_date": fields.Datetime.now()})
        for customer in to_protect:
            customer._post_pool_note(self.env._("Customer protected by %s.", self.env.user.name))
        to_protect._unsubscribe_users_who_cannot_read()
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
