from odoo import api, fields, models


class CrmLead(models.Model):
    """A project (项目): a CRM opportunity of a customer."""

    _inherit = "crm.lead"

    partner_commercial_id = fields.Many2one(
        comodel_name="res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        # a customer's projects (its history, the rules on them) without reading every project
        index="btree_not_null",
        string="Customer Account",
        help="The customer company of the contact, kept here for the reps' record rules.",
    )
    member_ids = fields.One2many(
        comodel_name="crm.lead.member",
        inverse_name="lead_id",
        string="Followed By",
    )
    followup_ids = fields.One2many(
        comodel_name="res.partner.followup",
        inverse_name="lead_id",
        string="Follow-ups",
    )
    followup_count = fields.Integer(compute="_compute_followup_count")

    # the reps' customer rule collects the customers of a rep's documents: one index-only scan
    _user_customer_idx = models.Index("(user_id, partner_commercial_id) WHERE user_id IS NOT NULL")

    @api.depends("followup_ids")
    def _compute_followup_count(self):
        counts = dict(
            self.env["res.partner.followup"]._read_group(
                [("lead_id", "in", self.ids)],
                ["lead_id"],
                ["__count"],
            )
        )
        for lead in self:
            lead.followup_count = counts.get(lead, 0)

    def action_show_potential_duplicates(self):
        self._check_readable_as_if_missing()  # Odoo reads the duplicates as superuser
        return super().action_show_potential_duplicates()

    def action_new_contract(self):
        """A new contract of this project, made directly (no quotation step first)."""
        action = self.action_sale_quotations_new()
        action["context"] = dict(action.get("context") or {}, default_is_contract=True)
        return action

    def action_set_won(self):
        res = super().action_set_won()
        self.partner_id._register_won_deal()
        return res
