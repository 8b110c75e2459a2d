from odoo import api, fields, models

from ..tools import count_by

TRIGGERS = [
    ("delivery_done", "Delivery Done"),
    ("contract_executed", "Contract Executed"),
    ("return_approved", "Return Approved"),
    ("ticket_closed", "Ticket Closed"),
    ("manual", "By Hand"),
]


class AftersalesVisitFlow(models.Model):
    _name = "aftersales.visit.flow"
    _description = "Revisit Flow"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    trigger = fields.Selection(
        selection=TRIGGERS,
        required=True,
        default="delivery_done",
        help="What starts the flow. The first stage is planned its delay after this event.",
    )
    ticket_type = fields.Selection(
        selection=[("suggestion", "Suggestion"), ("complaint", "Complaint"), ("care", "Care")],
        help="For flows started by a closed ticket: only tickets of this type (empty: all).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        default=lambda self: self.env.company,
        help="Empty: used by every company.",
    )
    stage_ids = fields.One2many(
        comodel_name="aftersales.visit.flow.stage",
        inverse_name="flow_id",
        string="Stages",
        copy=True,
    )
    description = fields.Text(translate=True)
    visit_count = fields.Integer(compute="_compute_visit_count")

    def _compute_visit_count(self):
        counts = count_by(self.env["aftersales.visit"], "flow_id", self)
        for flow in self:
            flow.visit_count = counts.get(flow, 0)

    def action_view_visits(self):
        self.ensure_one()
        return self.env["aftersales.visit"]._action_for_records([("flow_id", "=", self.id)], {})

    # ------------------------------------------------------------------
    # Starting flows
    # ------------------------------------------------------------------

    @api.model
    def _start_for(self, trigger, records, when=None):
        """Plan the first stage of every active flow of ``trigger`` for each of ``records``.

        ``records`` tell what the visit is about through ``_get_aftersales_trigger_values()``.
        A flow starts once per trigger reference: calling this again changes nothing.
        """
        when = when or fields.Datetime.now()
        Visit = self.env["aftersales.visit"].sudo()
        vals_list = []
        for record in records:
            values = record._get_aftersales_trigger_values()
            if not values.get("partner_id"):
                continue
            for flow in self._flows_for(trigger, values):
                vals_list.append(
                    flow.stage_ids[:1]._prepare_visit_vals(
                        trigger, values, fields.Date.context_today(self, timestamp=when)
                    )
                )
        vals_list = Visit._drop_already_started(vals_list)
        return Visit.create(vals_list) if vals_list else Visit

    @api.model
    def _flows_for(self, trigger, values):
        domain = [
            ("trigger", "=", trigger),
            ("company_id", "in", [False, values.get("company_id") or self.env.company.id]),
        ]
        flows = self.sudo().search(domain)
        if trigger == "ticket_closed":
            flows = flows.filtered(
                lambda f: not f.ticket_type or f.ticket_type == values.get("ticket_type")
            )
        return flows.filtered("stage_ids")
