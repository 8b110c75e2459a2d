from odoo import api, fields, models
from odoo.fields import Domain

SHARE_ACCESS = [
    ("read", "Read Only"),
    ("write", "Read & Write"),
]


class ResPartnerShare(models.Model):
    """A customer shared by its owner with a colleague (客户共享).

    Access rules read these lines directly; an expired line stops giving
    access at once, because the rules compare ``expires_at`` with "now" when
    the query runs.
    """

    _name = "res.partner.share"
    _description = "Customer Share"
    _order = "partner_id, id"
    _rec_name = "user_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Shared With",
        required=True,
        index=True,
        ondelete="cascade",
    )
    access = fields.Selection(
        selection=SHARE_ACCESS,
        required=True,
        default="read",
    )
    expires_at = fields.Datetime(
        string="Expires On",
        help="Leave empty to share until the owner stops sharing.",
    )
    shared_by_id = fields.Many2one(
        comodel_name="res.users",
        default=lambda self: self.env.user,
        ondelete="set null",
    )
    is_active = fields.Boolean(
        string="Active Share",
        compute="_compute_is_active",
        search="_search_is_active",
    )

    _partner_user_uniq = models.Constraint(
        "unique(partner_id, user_id)",
        "This customer is already shared with this user.",
    )

    @api.depends("expires_at")
    def _compute_is_active(self):
        now = fields.Datetime.now()
        for share in self:
            share.is_active = not share.expires_at or share.expires_at > now

    def _search_is_active(self, operator, value):
        if operator != "in":
            return NotImplemented
        active = Domain("expires_at", "=", False) | Domain("expires_at", ">", "now")
        return active if True in value else ~active

    def action_unshare(self):
        """Stop sharing: only the customer's owner or a manager may."""
        for partner, shares in self.grouped("partner_id").items():
            partner.unshare(shares.user_id)
        return True
