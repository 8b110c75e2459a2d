from odoo import api, models
from odoo.exceptions import UserError

from ..tools.locking import lock_rows


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Quote-count limit (报价次数)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # lock first: creating the order writes its project, which would wait on a concurrent lock
        scopes = self._lock_quote_scopes(vals_list)
        orders = super().create(vals_list)
        orders._check_quote_limit(scopes)
        return orders

    @api.model
    def _get_quote_limits(self):
        params = self.env["ir.config_parameter"].sudo()
        return (
            int(params.get_param("sales_pipeline.quote_limit_per_project") or 0),
            int(params.get_param("sales_pipeline.quote_limit_per_customer") or 0),
        )

    @api.model
    def _quote_scope(self, opportunity, partner):
        """(table, id, label, domain of its quotations, limit) a new quotation counts toward, or
        None."""
        project_limit, customer_limit = self._get_quote_limits()
        if opportunity and project_limit:
            return (
                "crm_lead",
                opportunity.id,
                opportunity.name,
                [("opportunity_id", "=", opportunity.id)],
                project_limit,
            )
        if not opportunity and partner and customer_limit:
            customer = partner.commercial_partner_id
            return (
                "res_partner",
                customer.id,
                customer.name,
                [("opportunity_id", "=", False), ("partner_id", "child_of", customer.id)],
                customer_limit,
            )
        return None

    @api.model
    def _lock_quote_scopes(self, vals_list):
        """Lock and touch the project (or customer) of each new quotation (报价次数).

        Touching the row makes a concurrent transaction that counted before
        our commit fail to lock it, so that two users quoting at the same
        moment cannot both pass the count.
        """
        scopes = {}
        for vals in vals_list:
            opportunity = self.env["crm.lead"].browse(
                vals.get("opportunity_id") or self.env.context.get("default_opportunity_id")
            )
            partner = self.env["res.partner"].browse(
                vals.get("partner_id") or self.env.context.get("default_partner_id")
            )
            scope = self._quote_scope(opportunity.exists(), partner.exists())
            if scope and scope[:2] not in scopes:
                self._lock_row(scope[0], scope[1], scope[2])
                scopes[scope[:2]] = scope
        return scopes

    def _lock_row(self, table, row_id, label):
        lock_rows(
            self.env,
            table,
            [row_id],
            self.env._(
                "Another quotation of %s is being made at this very moment. Try again in a moment.",
                label,
            ),
            touch=True,
            flush=False,
        )

    def _check_quote_limit(self, scopes):
        for _table, _row_id, label, domain, limit in scopes.values():
            count = self.sudo().with_context(active_test=False).search_count(domain)
            if count > limit:
                raise UserError(
                    self.env._(
                        "%(label)s may have at most %(limit)s quotations (revisions included) and has %(count)s already.",  # noqa: E501
                        label=label,
                        limit=limit,
                        count=count - len(self.filtered_domain(domain)),
                    )
                )
