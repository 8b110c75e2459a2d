from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.sales_pipeline.tools.actions import window_action


class AftersalesVisitStartWizard(models.TransientModel):
    _name = "aftersales.visit.start.wizard"
    _description = "Start a Revisit Flow"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        domain=[("is_customer", "=", True)],
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Contract",
        domain="[('partner_id.commercial_partner_id', '=', partner_id)]",
    )
    flow_id = fields.Many2one(comodel_name="aftersales.visit.flow", required=True)
    start_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The first stage is planned its delay after this date.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Assigned To",
        domain=[("share", "=", False)],
        help="Empty: the stage's assignee rule decides.",
    )

    @api.model
    def _action_open(self, partner, order):
        return window_action(
            self.env,
            xmlid="aftersales_visit.aftersales_visit_start_wizard_action",
            context={"default_partner_id": partner.id, "default_sale_order_id": order.id},
        )

    def action_start(self):
        self.ensure_one()
        Visit = self.env["aftersales.visit"]
        running = Visit.search_count(
            [
                ("flow_id", "=", self.flow_id.id),
                ("partner_id", "=", self.partner_id.id),
                ("sale_order_id", "=", self.sale_order_id.id),
                ("state", "in", ("planned", "open")),
            ],
            limit=1,
        )
        if running:
            raise UserError(
                self.env._(
                    "The flow %(flow)s is already running for %(customer)s: finish or cancel its open revisit first.",  # noqa: E501
                    flow=self.flow_id.name,
                    customer=self.partner_id.name,
                )
            )
        stage = self.flow_id.stage_ids[:1]
        visit = Visit.create(
            dict(
                stage._prepare_visit_vals(
                    "manual",
                    {
                        "partner_id": self.partner_id.id,
                        "sale_order_id": self.sale_order_id.id,
                        "company_id": (self.sale_order_id.company_id or self.env.company).id,
                    },
                    self.start_date,
                ),
                user_id=self.user_id.id,
            )
        )
        if visit.scheduled_date <= fields.Date.context_today(self):
            visit._start()
        return window_action(self.env, "aftersales.visit", res_id=visit.id, target="current")
