from odoo import api, models
from odoo.fields import Domain


class MailFollowers(models.Model):
    """Who follows a record our rules hide is hidden with it: Odoo lets every internal user
    search the followers of every document, which would tell that a hidden customer, project or
    order exists, and who follows it."""

    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not (self.env.su or kwargs.get("bypass_access")):
            domain = Domain(domain) & self._followers_of_documents_the_user_reads()
        return super()._search(domain, offset, limit, order, **kwargs)

    @api.model
    def _followers_of_documents_the_user_reads(self):
        """Followers of the documents the record rules let the user read (the rules decide,
        whether or not the user may open that model at all)."""
        Rule = self.env["ir.rule"]
        return Domain.AND(
            Domain("res_model", "!=", model)
            | Domain(
                "res_id",
                "any!",
                self.env[model]
                .sudo()
                ._search(Rule._compute_domain(model, "read"), active_test=False),
            )
            for model in self._models_hiding_followers()
        )

    @api.model
    def _models_hiding_followers(self):
        hiding = self.env["ir.rule"]._models_answering_as_missing() | {"res.partner"}
        return sorted(
            model
            for model in hiding
            if model in self.env and "message_follower_ids" in self.env[model]._fields
        )
