from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.sales_pipeline.tools.actions import window_action

from .aftersales_sla_rule import PRIORITIES, TICKET_TYPES


class AftersalesTicket(models.Model):
    _name = "aftersales.ticket"
    _description = "Suggestion, Complaint or Care"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, sla_deadline, id desc"

    number = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    name = fields.Char(string="Subject", required=True, tracking=True)
    ticket_type = fields.Selection(
        selection=TICKET_TYPES, string="Type", required=True, default="complaint", tracking=True
    )
    priority = fields.Selection(selection=PRIORITIES, required=True, default="1", tracking=True)
    stage_id = fields.Many2one(
        comodel_name="aftersales.ticket.stage",
        required=True,
        ondelete="restrict",
        tracking=True,
        index=True,
        group_expand="_read_group_expand_full",
        default=lambda self: self.env["aftersales.ticket.stage"].search([], limit=1),
        copy=False,
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Assigned To",
        tracking=True,
        index=True,
        domain=[("share", "=", False)],
        default=lambda self: self.env.user,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_customer", "=", True)],
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Contract",
        index="btree_not_null",
        domain="[('partner_id.commercial_partner_id', '=', partner_id)]",
    )
    product_id = fields.Many2one(comodel_name="product.product")
    visit_id = fields.Many2one(
        comodel_name="aftersales.visit", string="From Revisit", readonly=True, copy=False
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    description = fields.Html()
    resolution = fields.Html()
    opened_on = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, copy=False
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla_deadline",
        store=True,
        tracking=True,
    )
    sla_failed = fields.Boolean(
        string="SLA Failed",
        compute="_compute_sla_failed",
        search="_search_sla_failed",
    )
    closed_on = fields.Datetime(readonly=True, copy=False)
    care_rule_id = fields.Many2one(
        comodel_name="aftersales.care.rule", readonly=True, copy=False, index="btree_not_null"
    )
    care_key = fields.Char(
        readonly=True,
        copy=False,
        help="The occasion a care ticket is for; one ticket per occasion.",
    )
    color = fields.Integer()

    _one_ticket_per_occasion = models.Constraint(
        "unique(care_rule_id, care_key)",
        "A care ticket already exists for this occasion.",
    )

    @api.depends("ticket_type", "priority", "company_id", "opened_on")
    def _compute_sla_deadline(self):
        rules = (
            self.env["aftersales.sla.rule"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids)])
        )
        hours = {(r.company_id.id, r.ticket_type, r.priority): r.hours for r in rules}
        for ticket in self:
            hour = hours.get((ticket.company_id.id, ticket.ticket_type, ticket.priority))
            ticket.sla_deadline = (
                ticket.opened_on + timedelta(hours=hour) if hour and ticket.opened_on else False
            )

    @api.depends("sla_deadline", "closed_on", "is_closed")
    def _compute_sla_failed(self):
        now = fields.Datetime.now()
        for ticket in self:
            end = ticket.closed_on if ticket.is_closed else now
            ticket.sla_failed = bool(ticket.sla_deadline and end and end > ticket.sla_deadline)

    def _search_sla_failed(self, operator, value):
        if operator != "in":
            return NotImplemented
        now = fields.Datetime.now()
        open_late = Domain("is_closed", "=", False) & Domain("sla_deadline", "<", now)
        closed_late = Domain("is_closed", "=", True) & Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "%s > %s",
                model._field_to_sql(alias, "closed_on", query),
                model._field_to_sql(alias, "sla_deadline", query),
            )
        )
        failed = open_late | closed_late
        return failed if True in value else ~failed

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                vals["number"] = (
                    self.env["ir.sequence"].sudo().next_by_code("aftersales.ticket") or "/"
                )
        tickets = super().create(vals_list)
        tickets.filtered("is_closed")._on_closed()
        return tickets

    def write(self, vals):
        was_closed = {ticket.id: ticket.is_closed for ticket in self} if "stage_id" in vals else {}
        result = super().write(vals)
        if "stage_id" in vals:
            self.filtered(lambda t: t.is_closed and not was_closed[t.id])._on_closed()
            self.filtered(lambda t: not t.is_closed and was_closed[t.id]).sudo().write(
                {"closed_on": False}
            )
        return result

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = (
                f"{ticket.number} {ticket.name}"
                if ticket.number and ticket.number != "/"
                else ticket.name
            )

    @api.model
    def _action_for_records(self, domain, context):
        return window_action(
            self.env,
            xmlid="aftersales_visit.aftersales_ticket_action",
            domain=domain,
            context=context,
        )

    def _get_system_fields(self):
        return super()._get_system_fields() | {
            "visit_id",
            "care_rule_id",
            "care_key",
            "closed_on",
            "sla_escalated",
        }

    def _on_closed(self):
        self.sudo().write({"closed_on": fields.Datetime.now()})
        self.env["aftersales.visit.flow"]._start_for("ticket_closed", self)

    def _get_aftersales_trigger_values(self):
        self.ensure_one()
        return {
            "trigger_ref": f"{self._name},{self.id}",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "sale_order_id": self.sale_order_id.id,
            "ticket_id": self.id,
            "ticket_type": self.ticket_type,
            "company_id": self.company_id.id,
        }
