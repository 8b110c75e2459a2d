from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.actions import window_action

CONTRACT_STAGES = [
    ("draft", "Not Submitted"),
    ("pending", "Waiting for Approval"),
    ("rejected", "Rejected"),
    ("approved", "Approved"),
    ("executed", "Executed"),
    ("partly_returned", "Partly Returned"),
    ("returned", "Returned"),
]


class SaleOrder(models.Model):
    """Where a contract stands (合同管理): the Contracts screen lists, filters and groups by it.

    A contract is an order made as one (New Contract, a renewal), submitted for approval, or
    confirmed for a managed customer. Its stage follows the approval, the confirmation and the
    returns taken back."""

    _inherit = "sale.order"

    is_contract = fields.Boolean(
        string="Contract",
        copy=False,
        index=True,
        help="Listed in Contracts: made as a contract, submitted for approval, or confirmed for a "
        "managed customer.",
    )
    contract_stage = fields.Selection(
        selection=CONTRACT_STAGES,
        compute="_compute_contract_stage",
        store=True,
        index=True,
        group_expand=True,  # the kanban shows every stage, in their order
    )
    renewed_from_id = fields.Many2one(
        comodel_name="sale.order", string="Renewal of", readonly=True, copy=False, index=True
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"renewed_from_id", "contract_stage"}

    @api.depends(
        "is_contract",
        "state",
        "contract_state",
        "return_ids.state",
        "return_ids.line_ids.quantity",
        "order_line.product_uom_qty",
    )
    def _compute_contract_stage(self):
        for order in self:
            order.contract_stage = order._contract_stage() if order.is_contract else False

    def _contract_stage(self):
        self.ensure_one()
        if self.state == "sale":
            return self._returned_stage() or "executed"
        if self.contract_state in ("pending", "rejected", "approved"):
            return self.contract_state
        return "draft"

    def _returned_stage(self):
        """partly_returned / returned after returns taken back, else False."""
        returned = {}
        for line in self.sudo().return_ids.filtered(lambda r: r.state == "done").line_ids:
            returned[line.sale_line_id] = returned.get(line.sale_line_id, 0) + line.quantity
        if not any(returned.values()):
            return False
        lines = self.order_line.filtered(
            lambda line: not line.display_type and line.product_uom_qty
        )
        fully = all(
            line.product_uom_id.compare(returned.get(line, 0), line.product_uom_qty) >= 0
            for line in lines
        )
        return "returned" if fully else "partly_returned"

    # ------------------------------------------------------------------
    # Becoming a contract
    # ------------------------------------------------------------------

    def action_submit_contract(self):
        self.sudo().write({"is_contract": True})
        return super().action_submit_contract()

    def action_confirm(self):
        res = super().action_confirm()
        managed = self.filtered(lambda o: o._is_managed_contract())
        managed.sudo().write({"is_contract": True})
        return res

    def action_renew_contract(self):
        """A new contract from this one (续签 / 再次下单): same customer, terms and lines, as a
        draft to adjust and submit."""
        self.ensure_one()
        self._check_readable_as_if_missing()
        if not self.is_contract or self.state != "sale":
            raise UserError(self.env._("%s is not a confirmed contract.", self.name))
        renewal = self.copy({"is_contract": True})
        renewal.sudo().renewed_from_id = self
        renewal.message_post(
            body=self.env._("Renewal of %s.", self.name), subtype_xmlid="mail.mt_note"
        )
        return window_action(
            self.env,
            "sale.order",
            name=self.env._("Contract"),
            view_mode="form",
            res_id=renewal.id,
            target="current",
        )
