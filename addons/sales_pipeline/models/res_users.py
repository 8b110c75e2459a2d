from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    customer_claim_limit = fields.Integer(
        string="Max. Claimed Customers",
        help="How many customers this rep may hold. 0 = use the default from Settings.",
    )
    customer_protect_limit = fields.Integer(
        string="Max. Protected Customers",
        help="How many customers this rep may protect. 0 = use the default from Settings.",
    )

    reminder_digest_date = fields.Date(
        string="Last Reminder Digest",
        readonly=True,
        copy=False,
        help="Day the user last received the digest of important reminders.",
    )

    def _get_customer_quota(self, kind):
        """Quota of claimed or protected customers for this user; 0 = unlimited."""
        self.ensure_one()
        own = (
            self.sudo().customer_claim_limit
            if kind == "claimed"
            else self.sudo().customer_protect_limit
        )
        if own:
            return own
        key = "max_claimed" if kind == "claimed" else "max_protected"
        return self.env["res.partner"]._get_pool_settings()[key]

    def _is_sales_manager(self):
        """The one "sales manager" check of our modules: Odoo's "All Documents" sales group."""
        self.ensure_one()
        return self.has_group("sales_team.group_sale_salesman_all_leads")
