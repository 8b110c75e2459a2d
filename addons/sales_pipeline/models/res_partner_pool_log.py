from odoo import fields, models

POOL_ACTIONS = [
    ("claim", "Claimed"),
    ("release", "Released"),
    ("recall", "Recalled to Pool"),
    ("assign", "Assigned"),
]


class ResPartnerPoolLog(models.Model):
    """History of who held a customer, and the base of the re-claim cooldown."""

    _name = "res.partner.pool.log"
    _description = "Customer Pool History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    action = fields.Selection(selection=POOL_ACTIONS, required=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        index=True,
        ondelete="set null",
        help="The rep who claimed, released or lost the customer, or received it.",
    )
    done_by_id = fields.Many2one(
        comodel_name="res.users",
        default=lambda self: self.env.user,
        ondelete="set null",
    )
    date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        index=True,
    )
    note = fields.Char()

    _partner_user_date_idx = models.Index("(partner_id, user_id, date)")
