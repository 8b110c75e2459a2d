from odoo import models


class CrmLead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    def _convert_and_allocate(self, leads, user_ids, team_id=False):
        """A rep converting leads nobody owns into their own opportunities takes them while they
        are still leads: reps change unassigned leads (as in Odoo), while an unassigned project is
        asked for with a claim request (our rules). Odoo converts first and assigns after, which
        would ask to change an unassigned project."""
        if user_ids == [self.env.uid] and not self.env.user._is_sales_manager():
            leads.filtered(
                lambda lead: lead.type == "lead" and not lead.user_id
            )._handle_salesmen_assignment(user_ids, team_id=team_id)
        return super()._convert_and_allocate(leads, user_ids, team_id=team_id)
