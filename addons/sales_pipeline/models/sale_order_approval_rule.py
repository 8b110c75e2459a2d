from odoo import api, fields, models


class SaleOrderApprovalRule(models.Model):
    """Which contracts need approval, and by whom (合同审批规则)."""

    _name = "sale.order.approval.rule"
    _description = "Contract Approval Rule"
    _order = "min_amount desc, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(comodel_name="res.company", default=lambda self: self.env.company)
    min_amount = fields.Float(
        string="From Amount",
        help="Contracts whose total (taxes included, company currency) reaches this amount.",
    )
    margin_below = fields.Float(
        string="Or Margin Below (%)",
        help="Also contracts whose margin is below this percentage, whatever their amount "
        "(0 = ignore).",
    )
    level_ids = fields.One2many(
        comodel_name="sale.order.approval.level",
        inverse_name="rule_id",
        string="Approval Levels",
        copy=True,
    )

    def _matches(self, order):
        self.ensure_one()
        amount = order.currency_id._convert(
            order.amount_total,
            order.company_id.currency_id,
            order.company_id,
            order.date_order or fields.Date.today(),
        )
        by_amount = self.min_amount > 0 and amount >= self.min_amount
        by_margin = (
            self.margin_below > 0
            and order.amount_untaxed > 0  # nothing sold yet: no margin to judge
            and order.margin_percent * 100 < self.margin_below
        )
        return by_amount or by_margin

    @api.model
    def _find_for(self, order):
        """The most demanding rule the order falls under (empty: no approval needed). Contracts
        are those of managed customers: an order of another partner (a shop sale, a supplier's
        return) is Odoo's, as it is."""
        if not order._is_managed_contract():
            return self.browse()
        rules = self.search([("company_id", "in", [order.company_id.id, False])])
        return next(
            (rule for rule in rules if rule._matches(order) and rule.level_ids), self.browse()
        )

    def _levels_for(self, order):
        """[(level name, approvers)] of this rule for ``order``, in order."""
        self.ensure_one()
        return [(level._describe(), level._get_approvers(order)) for level in self.level_ids]
