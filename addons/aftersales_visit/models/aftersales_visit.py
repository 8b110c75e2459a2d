from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.sales_pipeline.tools.actions import window_action

from .aftersales_visit_flow import TRIGGERS

VISIT_STATES = [
    ("planned", "Planned"),
    ("open", "To Do"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class AftersalesVisit(models.Model):
    _name = "aftersales.visit"
    _description = "Customer Revisit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "scheduled_date desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    flow_id = fields.Many2one(
        comodel_name="aftersales.visit.flow", required=True, ondelete="restrict", index=True
    )
    stage_id = fields.Many2one(
        comodel_name="aftersales.visit.flow.stage",
        string="Flow Stage",
        required=True,
        ondelete="restrict",
        domain="[('flow_id', '=', flow_id)]",
    )
    method_id = fields.Many2one(related="stage_id.method_id", store=True, string="Method")
    method_code = fields.Selection(related="method_id.code", string="Method Kind")
    state = fields.Selection(
        selection=VISIT_STATES,
        required=True,
        default="planned",
        readonly=True,
        tracking=True,
        copy=False,
    )
    trigger = fields.Selection(selection=TRIGGERS, required=True, readonly=True, default="manual")
    trigger_ref = fields.Char(
        string="Trigger Reference",
        required=True,
        readonly=True,
        help="What started the flow (one flow per trigger): e.g. the contract delivered.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        domain=[("is_customer", "=", True)],
    )
    contact_id = fields.Many2one(
        comodel_name="res.partner",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    phone = fields.Char(compute="_compute_phone")
    sale_order_id = fields.Many2one(
        comodel_name="sale.order", string="Contract", index="btree_not_null"
    )
    picking_id = fields.Many2one(comodel_name="stock.picking", string="Delivery", readonly=True)
    return_id = fields.Many2one(comodel_name="sale.order.return", readonly=True)
    origin_ticket_id = fields.Many2one(
        comodel_name="aftersales.ticket", string="From Ticket", readonly=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Assigned To",
        tracking=True,
        index=True,
        domain=[("share", "=", False)],
    )
    scheduled_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    done_date = fields.Datetime(string="Completed On", readonly=True, copy=False)
    script = fields.Text(
        compute="_compute_script", help="The template's opening script for this customer."
    )
    answer_ids = fields.One2many(
        comodel_name="aftersales.visit.answer",
        inverse_name="visit_id",
        string="Answers",
    )
    satisfaction = fields.Float(
        compute="_compute_satisfaction",
        store=True,
        aggregator="avg",
        digits=(2, 1),
        help="Average of the satisfaction answers (1-5).",
    )
    note = fields.Text(string="Summary")
    escalated = fields.Boolean(readonly=True, copy=False, tracking=True)
    escalation_ticket_id = fields.Many2one(
        comodel_name="aftersales.ticket", string="Complaint", readonly=True, copy=False
    )
    previous_visit_id = fields.Many2one(
        comodel_name="aftersales.visit", string="Previous Stage", readonly=True, copy=False
    )
    next_visit_id = fields.Many2one(
        comodel_name="aftersales.visit", string="Next Stage", readonly=True, copy=False
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")

    _one_stage_per_trigger = models.Constraint(
        "unique(flow_id, stage_id, trigger_ref)",
        "This revisit flow already runs for this trigger.",
    )
    _due_index = models.Index("(scheduled_date, id) WHERE state = 'planned'")

    @api.depends("contact_id", "partner_id")
    def _compute_phone(self):
        for visit in self:
            who = visit.contact_id or visit.partner_id
            visit.phone = (
                who.mobile or who.phone or visit.partner_id.mobile or visit.partner_id.phone
            )

    @api.depends(
        "stage_id.template_id.script",
        "partner_id",
        "contact_id",
        "sale_order_id",
        "user_id",
        "scheduled_date",
    )
    def _compute_script(self):
        for visit in self:
            template = visit.stage_id.template_id
            visit.script = (
                template.render(template.script, visit._placeholder_values()) if template else False
            )

    @api.depends("answer_ids.score")
    def _compute_satisfaction(self):
        for visit in self:
            scores = [int(s) for s in visit.answer_ids.mapped("score") if s]
            visit.satisfaction = sum(scores) / len(scores) if scores else 0.0

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for visit in self:
            visit.is_overdue = visit.state in ("planned", "open") and visit.scheduled_date < today

    def _search_is_overdue(self, operator, value):
        if operator != "in":
            return NotImplemented
        overdue = Domain("state", "in", ["planned", "open"]) & Domain(
            "scheduled_date", "<", fields.Date.context_today(self)
        )
        return overdue if True in value else ~overdue

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("aftersales.visit") or "/"
                )
            if vals.get("trigger", "manual") == "manual" and not vals.get("trigger_ref"):
                vals["trigger_ref"] = f"manual:{vals['name']}"
        return super().create(vals_list)

    def _get_system_fields(self):
        return super()._get_system_fields() | {
            "escalation_ticket_id",
            "next_visit_id",
            "previous_visit_id",
            "origin_ticket_id",
            "picking_id",
            "return_id",
            "escalated",
            "done_date",
        }

    @api.model
    def _drop_already_started(self, vals_list):
        """``vals_list`` without the first stages whose flow already ran for their trigger."""
        seen = set()
        refs = {vals["trigger_ref"] for vals in vals_list}
        if refs:
            for visit in self.sudo().search([("trigger_ref", "in", list(refs))]):
                seen.add((visit.flow_id.id, visit.trigger_ref))
        kept = []
        for vals in vals_list:
            key = (vals["flow_id"], vals["trigger_ref"])
            if key not in seen:
                seen.add(key)
                kept.append(vals)
        return kept

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        """Open a planned revisit now, before its date."""
        planned = self.filtered(lambda v: v.state == "planned")
        if planned != self:
            raise UserError(self.env._("Only planned revisits can be started."))
        planned._start()
        return True

    def action_complete(self):
        """Record the answers: close this stage, escalate a bad answer, plan the next stage."""
        for visit in self:
            visit._check_can_complete()
        for visit in self:
            bad = visit.answer_ids.filtered("is_bad")
            visit.sudo().write(
                {"state": "done", "done_date": fields.Datetime.now(), "escalated": bool(bad)}
            )
            visit.activity_feedback(
                ["aftersales_visit.mail_activity_type_revisit"], feedback=visit.note or False
            )
            visit.message_post(body=visit._answers_html(), subtype_xmlid="mail.mt_note")
            if bad:
                visit._escalate(bad)
            if not (bad and visit.stage_id.escalation_stops_flow):
                visit._plan_next_stage()
        return True

    def action_cancel(self):
        if any(visit.state == "done" for visit in self):
            raise UserError(self.env._("A completed revisit cannot be cancelled."))
        self.write({"state": "cancel"})
        self.activity_unlink(["aftersales_visit.mail_activity_type_revisit"])
        return True

    @api.model
    def _action_for_records(self, domain, context):
        return window_action(
            self.env,
            xmlid="aftersales_visit.aftersales_visit_action",
            domain=domain,
            context=context,
        )

    # ------------------------------------------------------------------
    # Business methods (starting a visit: aftersales_visit_start.py; escalating a bad answer:
    # aftersales_visit_escalation.py)
    # ------------------------------------------------------------------

    def _check_can_complete(self):
        self.ensure_one()
        if self.state == "planned":
            self._start()
        if self.state != "open":
            raise UserError(self.env._("%s is not waiting for answers.", self.name))
        missing = self.answer_ids.filtered(lambda a: a.required and not a.is_answered)
        if missing:
            raise UserError(
                self.env._(
                    "Answer these questions before completing %(visit)s:\n%(questions)s",
                    visit=self.name,
                    questions="\n".join(missing.mapped("question")),
                )
            )

    def _plan_next_stage(self):
        stage = self.stage_id._next_stage()
        if not stage:
            return
        next_visit = self.sudo().create(
            dict(
                stage._prepare_visit_vals(
                    self.trigger,
                    self._get_aftersales_trigger_values(),
                    fields.Date.context_today(self),
                ),
                contact_id=self.contact_id.id,
                previous_visit_id=self.id,
            )
        )
        self.sudo().next_visit_id = next_visit
        if next_visit.scheduled_date <= fields.Date.context_today(self):
            next_visit._start()

    def _get_aftersales_trigger_values(self):
        """What started this visit's flow, as the trigger gave it (for the next stages)."""
        self.ensure_one()
        return {
            "trigger_ref": self.trigger_ref,
            "partner_id": self.partner_id.id,
            "sale_order_id": self.sale_order_id.id,
            "picking_id": self.picking_id.id,
            "return_id": self.return_id.id,
            "ticket_id": self.origin_ticket_id.id,
            "company_id": self.company_id.id,
        }

    def _answers_html(self):
        rows = Markup("").join(
            Markup("<li>%s: <b>%s</b></li>")
            % (
                answer.question,
                dict(answer._fields["score"]._description_selection(self.env)).get(answer.score)
                or dict(answer._fields["yes_no"]._description_selection(self.env)).get(
                    answer.yes_no
                )
                or answer.text
                or "-",
            )
            for answer in self.answer_ids
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Revisit completed."), rows)
