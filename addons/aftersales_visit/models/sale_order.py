from odoo import fields, models

from ..tools import count_by


class SaleOrder(models.Model):
    _inherit = "sale.order"

    visit_count = fields.Integer(compute="_compute_aftersales_counts", string="Revisit Count")
    ticket_count = fields.Integer(compute="_compute_aftersales_counts")

    def _compute_aftersales_counts(self):
        visits = count_by(self.env["aftersales.visit"], "sale_order_id", self)
        tickets = count_by(self.env["aftersales.ticket"], "sale_order_id", self)
        for order in self:
            order.visit_count = visits.get(order._origin, 0)
            order.ticket_count = tickets.get(order._origin, 0)

    def _execute_contract(self, journal, amount, date, allow_partial=False):
        result = super()._execute_contract(journal, amount, date, allow_partial=allow_partial)
        self.env["aftersales.visit.flow"]._start_for("contract_executed", self)
        return result

    def _get_aftersales_trigger_values(self, trigger_suffix=""):
        self.ensure_one()
        return {
            "trigger_ref": f"{self._name},{self.id}{trigger_suffix}",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
        }

    def action_view_visits(self):
        self.ensure_one()
        return self.env["aftersales.visit"]._action_for_records(
            [("sale_order_id", "=", self.id)],
            {
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_sale_order_id": self.id,
            },
        )

    def action_view_tickets(self):
        self.ensure_one()
        return self.env["aftersales.ticket"]._action_for_records(
            [("sale_order_id", "=", self.id)],
            {
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_sale_order_id": self.id,
            },
        )

    def action_start_revisit(self):
        self.ensure_one()
        return self.env["aftersales.visit.start.wizard"]._action_open(
            self.partner_id.commercial_partner_id, self
        )
