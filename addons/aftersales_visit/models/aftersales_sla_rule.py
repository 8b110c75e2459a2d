from odoo import fields, models

TICKET_TYPES = [("suggestion", "Suggestion"), ("complaint", "Complaint"), ("care", "Care")]
PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]


class AftersalesSlaRule(models.Model):
    _name = "aftersales.sla.rule"
    _description = "After-sales SLA Rule"
    _order = "ticket_type, priority desc"

    ticket_type = fields.Selection(selection=TICKET_TYPES, required=True)
    priority = fields.Selection(selection=PRIORITIES, required=True, default="1")
    hours = fields.Float(
        string="Resolve Within (hours)",
        required=True,
        help="Hours from the ticket's creation to its SLA deadline.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)

    _one_rule_per_kind = models.Constraint(
        "unique(ticket_type, priority, company_id)",
        "There is already an SLA rule for this ticket type and priority.",
    )
    _hours_positive = models.Constraint(
        "CHECK(hours > 0)", "The SLA must give a positive number of hours."
    )
