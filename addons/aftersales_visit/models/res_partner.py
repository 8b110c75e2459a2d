from odoo import fields, models

from ..tools import count_by


class ResPartner(models.Model):
    _inherit = "res.partner"

    birthday = fields.Date(help="Used by customer-care rules (生日关怀).")
    visit_ids = fields.One2many(
        comodel_name="aftersales.visit", inverse_name="partner_id", string="Revisits"
    )
    ticket_ids = fields.One2many(
        comodel_name="aftersales.ticket",
        inverse_name="partner_id",
        string="Suggestions, Complaints and Care",
    )
    visit_count = fields.Integer(compute="_compute_aftersales_counts", string="Revisit Count")
    ticket_count = fields.Integer(compute="_compute_aftersales_counts")

    def _compute_aftersales_counts(self):
        visits = count_by(self.env["aftersales.visit"], "partner_id", self)
        tickets = count_by(self.env["aftersales.ticket"], "partner_id", self)
        for partner in self:
            partner.visit_count = visits.get(partner._origin, 0)
            partner.ticket_count = tickets.get(partner._origin, 0)

    def action_view_visits(self):
        self.ensure_one()
        return self.env["aftersales.visit"]._action_for_records(
            [("partner_id", "=", self.id)], {"default_partner_id": self.id}
        )

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["aftersales.ticket"]._action_for_records(
            [("partner_id", "=", self.id)], {"default_partner_id": self.id}
        )

    def action_start_revisit(self):
        self.ensure_one()
        return self.env["aftersales.visit.start.wizard"]._action_open(self, self.env["sale.order"])
