from odoo import api, models
from odoo.exceptions import UserError

from ..tools.locking import lock_rows
from ..tools.records import as_record_id


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Quote-count limit (报价次数)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # lock first: creating the order writes its project, which would wait on a concurrent lock
        scopes = self._lock_quote_scopes(
            [
                (
                    vals.get("opportunity_id") or self.env.context.get("default_opportunity_id"),
                    vals.get("partner_id") or self.env.context.get("default_partner_id"),
                )
                for vals in vals_list
            ]
        )
        orders = super().create(vals_list)
        orders._check_quote_limit(scopes)
        return orders

    def write(self, vals):
        """Attaching quotations to another project or customer counts like making them."""
        if not vals.keys() & {"opportunity_id", "partner_id"}:
            return super().write(vals)
        scopes = self._lock_quote_scopes(
            [
                (
                    vals["opportunity_id"] if "opportunity_id" in vals else order.opportunity_id.id,
                    vals["partner_id"] if "partner_id" in vals else order.partner_id.id,
                )
                for order in self
            ]
        )
        res = super().write(vals)
        self._check_quote_limit(scopes)
        return res

    @api.model
    def _get_quote_limits(self):
        params = self.env["ir.config_parameter"].sudo()
        return (
            int(params.get_param("sales_pipeline.quote_limit_per_project") or 0),
            int(params.get_param("sales_pipeline.quote_limit_per_customer") or 0),
        )

    @api.model
    def _quote_scopes(self, opportunity, partner):
        """[(table, id, label, domain of its quotations, limit)] a quotation counts toward: its
        project's limit, and its customer's (every quotation of the customer, with or without a
        project)."""
        project_limit, customer_limit = self._get_quote_limits()
        scopes = []
        if opportunity and project_limit:
            scopes.append(
                (
                    "crm_lead",
                    opportunity.id,
                    opportunity.sudo().name,
                    [("opportunity_id", "=", opportunity.id)],
                    project_limit,
                )
            )
        if partner and customer_limit:
            customer = partner.sudo().commercial_partner_id
            scopes.append(
                (
                    "res_partner",
                    customer.id,
                    customer.name,
                    [("partner_id", "child_of", customer.id)],
                    customer_limit,
                )
            )
        return scopes

    @api.model
    def _lock_quote_scopes(self, targets):
        """Lock and touch the projects and customers of quotations being made or attached
        (报价次数), ``targets`` being (project id, partner id) pairs.

        Touching the row makes a concurrent transaction that counted before
        our commit fail to lock it, so that two users quoting at the same
        moment cannot both pass the count.
        """
        scopes = {}
        for opportunity_id, partner_id in targets:
            opportunity = self.env["crm.lead"].browse(as_record_id(opportunity_id) or []).exists()
            partner = self.env["res.partner"].browse(as_record_id(partner_id) or []).exists()
            for scope in self._quote_scopes(opportunity, partner):
                if scope[:2] not in scopes:
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
