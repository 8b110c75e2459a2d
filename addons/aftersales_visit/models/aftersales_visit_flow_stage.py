from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesVisitFlowStage(models.Model):
    _name = "aftersales.visit.flow.stage"
    _description = "Revisit Flow Stage"
    _order = "flow_id, sequence, id"

    flow_id = fields.Many2one(
        comodel_name="aftersales.visit.flow",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    method_id = fields.Many2one(
        comodel_name="aftersales.visit.method",
        required=True,
        ondelete="restrict",
    )
    method_code = fields.Selection(related="method_id.code")
    delay_days = fields.Integer(
        string="Delay (days)",
        default=0,
        help="Days after the previous stage is completed (for the first stage: after the trigger).",
    )
    assignee_rule = fields.Selection(
        selection=[
            ("contract_rep", "Contract's Sales Rep"),
            ("round_robin", "After-sales Team, in Turn"),
            ("fixed", "A Fixed User"),
        ],
        required=True,
        default="contract_rep",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Fixed User",
        domain=[("share", "=", False)],
    )
    team_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Team",
        domain=[("share", "=", False)],
        help="Users who take this stage in turn. Empty: every after-sales staff member.",
    )
    last_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Last Assigned",
        readonly=True,
        copy=False,
    )
    template_id = fields.Many2one(
        comodel_name="aftersales.visit.template",
        string="Question Template",
        ondelete="restrict",
    )
    sms_template_id = fields.Many2one(
        comodel_name="sms.template",
        string="SMS Template",
        domain=[("model", "=", "aftersales.visit")],
        help="For SMS stages. Empty: the shipped revisit SMS.",
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="E-mail Template",
        domain=[("model", "=", "aftersales.visit")],
        help="For e-mail stages. Empty: the shipped revisit e-mail.",
    )
    escalation = fields.Selection(
        selection=[
            ("none", "Nothing"),
            ("complaint", "Open a Complaint"),
            ("manager", "Alert the After-sales Manager"),
        ],
        string="On a Bad Answer",
        required=True,
        default="complaint",
    )
    escalation_stops_flow = fields.Boolean(
        string="Bad Answer Ends the Flow",
        help="When set, a bad answer ends the flow here instead of planning the next stage.",
    )

    _delay_positive = models.Constraint(
        "CHECK(delay_days >= 0)", "A stage's delay cannot be negative."
    )

    @api.constrains("assignee_rule", "user_id")
    def _check_fixed_user(self):
        for stage in self:
            if stage.assignee_rule == "fixed" and not stage.user_id:
                raise ValidationError(
                    self.env._("Stage %s is assigned to a fixed user: choose the user.", stage.name)
                )

    def _prepare_visit_vals(self, trigger, values, start):
        """A revisit of this stage, planned its delay after the day ``start``, about what
        ``values`` says (the ``_get_aftersales_trigger_values()`` of what started the flow)."""
        self.ensure_one()
        return {
            "flow_id": self.flow_id.id,
            "stage_id": self.id,
            "trigger": trigger,
            "trigger_ref": values.get("trigger_ref"),
            "partner_id": values["partner_id"],
            "sale_order_id": values.get("sale_order_id", False),
            "picking_id": values.get("picking_id", False),
            "return_id": values.get("return_id", False),
            "origin_ticket_id": values.get("ticket_id", False),
            "company_id": values.get("company_id") or self.env.company.id,
            "scheduled_date": start + timedelta(days=self.delay_days),
        }

    def _next_stage(self):
        self.ensure_one()
        stages = self.flow_id.stage_ids
        index = list(stages).index(self)
        return stages[index + 1] if index + 1 < len(stages) else self.browse()

    def _team_members(self):
        team = (
            self.team_user_ids
            or self.env.ref("aftersales_visit.group_aftersales_user").sudo().all_user_ids
        )
        return team.filtered(lambda u: u.active and not u.share).sorted("id")

    def _next_team_user(self, turns=None):
        """The team member after the last one assigned (round robin), or nobody.

        ``turns`` carries the rotation through a batch (stage -> team, last user);
        the caller saves it with ``_save_turns``. Without it, the turn is saved at once.
        """
        self.ensure_one()
        batch = turns is not None
        turns = turns if batch else {}
        team, last = turns.get(self) or (self._team_members(), self.last_user_id)
        user = (
            next((u for u in team if u.id > last.id), team[:1]) if team else self.env["res.users"]
        )
        turns[self] = (team, user)
        if not batch:
            self._save_turns(turns)
        return user

    @api.model
    def _save_turns(self, turns):
        for stage, (_team, last) in turns.items():
            if last and stage.last_user_id != last:
                stage.sudo().last_user_id = last

    def _sms_template(self):
        self.ensure_one()
        return self.sms_template_id or self.env.ref("aftersales_visit.sms_template_revisit")

    def _mail_template(self):
        self.ensure_one()
        return self.mail_template_id or self.env.ref("aftersales_visit.mail_template_revisit")
