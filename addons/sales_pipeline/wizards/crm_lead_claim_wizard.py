from odoo import fields, models


class CrmLeadClaimWizard(models.TransientModel):
    """Ask for a project, or decide a request, with a note."""

    _name = "crm.lead.claim.wizard"
    _description = "Project Claim Request or Decision"

    lead_id = fields.Many2one(comodel_name="crm.lead", string="Project")
    request_ids = fields.Many2many(comodel_name="crm.lead.claim.request", string="Requests")
    mode = fields.Selection(
        selection=[("request", "Request"), ("reject", "Reject")], required=True, default="request"
    )
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "request":
            self.lead_id.action_request_claim(self.note)
        else:
            self.request_ids.action_reject(self.note)
        return {"type": "ir.actions.act_window_close"}
