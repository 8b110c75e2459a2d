from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartnerFollowup(models.Model):
    """A record of negotiation progress with a customer (洽谈进展)."""

    _name = "res.partner.followup"
    _description = "Customer Follow-up"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_customer', '=', True), ('parent_id', '=', False)]",
    )
    lead_id = fields.Many2one(
        comodel_name="crm.lead",
        string="Project",
        index="btree_not_null",
        ondelete="cascade",
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    process_step_id = fields.Many2one(
        comodel_name="crm.lead.process.step",
        string="Project Step",
        readonly=True,
        help="The step the project was in when the follow-up was recorded.",
    )
    contact_id = fields.Many2one(
        comodel_name="res.partner",
        string="Contact Person",
        domain="[('parent_id', '=', partner_id)]",
        ondelete="set null",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    method_id = fields.Many2one(
        comodel_name="res.partner.followup.method",
        ondelete="restrict",
    )
    template_id = fields.Many2one(
        comodel_name="res.partner.followup.template",
        ondelete="set null",
    )
    content = fields.Html(required=True)
    next_date = fields.Date(string="Next Follow-up")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Author",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        ondelete="restrict",
    )
    attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Attachments",
    )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.content = self.template_id._render_for(self.partner_id, self.contact_id)
            if self.template_id.method_id:
                self.method_id = self.template_id.method_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.method_id:
            self.method_id = self.partner_id.followup_method_id

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id.partner_id:
            self.partner_id = self.lead_id.partner_id.commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("lead_id"):
                lead = self.env["crm.lead"].browse(vals["lead_id"])
                customer = lead.partner_id.commercial_partner_id
                if not customer:
                    raise UserError(
                        self.env._(
                            "Set the customer of project %s before recording follow-ups.", lead.name
                        )
                    )
                vals.setdefault("partner_id", customer.id)
                vals["process_step_id"] = lead.process_step_id.id
        followups = super().create(vals_list)
        followups._link_attachments()
        for followup in followups:
            followup.partner_id._register_followup(followup.date, followup.next_date)
        return followups

    def write(self, vals):
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._link_attachments()
        if vals.keys() & {"date", "next_date"}:
            for followup in self:
                followup.partner_id._register_followup(followup.date, followup.next_date)
        return res

    def _link_attachments(self):
        # attachments uploaded in the form belong to the follow-up, so that
        # whoever may read the follow-up may read them
        for followup in self:
            followup.attachment_ids.filtered(lambda a: not a.res_id).sudo().write(
                {
                    "res_model": self._name,
                    "res_id": followup.id,
                }
            )
