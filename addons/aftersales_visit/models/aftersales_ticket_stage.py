from odoo import fields, models


class AftersalesTicketStage(models.Model):
    _name = "aftersales.ticket.stage"
    _description = "After-sales Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Tickets in this stage are finished: their SLA stops and revisit flows "
        "for closed tickets start.",
    )
    active = fields.Boolean(default=True)
