import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.records import as_record_id

# What an approval covers: the order's terms and every line's figures. Any other value of one of
# them (written, imported, recomputed by an onchange or by Odoo) is another contract.
CONTRACT_TERMS = (
    "partner_id",
    "user_id",
    "team_id",
    "partner_invoice_id",
    "currency_id",
    "pricelist_id",
    "fiscal_position_id",
    "payment_term_id",
    "signing_date",
    "contract_end_date",
)
# what a confirmed contract keeps unless a sales manager changes it (its lines: sale_order_line)
CONFIRMED_ORDER_TERMS = frozenset(
    {
        "partner_invoice_id",
        "partner_shipping_id",
        "pricelist_id",
        "currency_id",
        "fiscal_position_id",
        "payment_term_id",
        "is_contract",
    }
)
CONTRACT_LINE_TERMS = (
    "display_type",
    "product_id",
    "product_uom_qty",
    "product_uom_id",
    "price_unit",
    "discount",
    "tax_ids",
    "purchase_price",
)


def _values_of(record, names):
    """Comparable values of ``names`` on ``record``: ids for relations."""
    values = []
    for name in names:
        value = record[name]
        if isinstance(value, models.BaseModel):
            value = sorted(value.ids)
        values.append(value)
    return values


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales.pipeline.approval.mixin"]

    contract_state = fields.Selection(
        selection=[
            ("none", "Not Submitted"),
            ("pending", "Waiting for Approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        string="Contract Approval",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    contract_number = fields.Char(readonly=True, copy=False, index="btree_not_null")
    signing_date = fields.Date(copy=False)
    contract_end_date = fields.Date(string="Valid Until", copy=False)
    signed_scan = fields.Binary(string="Signed Contract", attachment=True, copy=False)
    signed_scan_filename = fields.Char(copy=False)
    submitted_by_id = fields.Many2one(comodel_name="res.users", readonly=True, copy=False)
    contract_fingerprint = fields.Char(
        readonly=True,
        copy=False,
        help="Digest of the terms and lines submitted: the approval holds for them only.",
    )
    contract_approval_ids = fields.One2many(
        comodel_name="sales.pipeline.approval",
        inverse_name="res_id",
        string="Contract Approvals",
        domain=[("res_model", "=", "sale.order"), ("flow", "=", "contract")],
        readonly=True,
    )
    can_approve_contract = fields.Boolean(compute="_compute_can_approve_contract")

    def _get_system_fields(self):
        return super()._get_system_fields() | {
            "contract_state",
            "contract_number",
            "submitted_by_id",
            "contract_fingerprint",
        }

    @api.depends_context("uid")
    @api.depends("contract_approval_ids.state", "contract_state")
    def _compute_can_approve_contract(self):
        for order in self:
            approval = order._current_approval("contract") if order.id else None
            order.can_approve_contract = bool(approval) and approval._may_decide(self.env.user)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A quotation starts as a draft: sending and confirming are actions, with their checks
        (no order created, copied or imported already sent or confirmed)."""
        if not self.env.su:
            states = [vals.get("state") for vals in vals_list]
            states.append(self.env.context.get("default_state"))
            if any(state and state != "draft" for state in states):
                raise AccessError(
                    self.env._(
                        "A quotation starts as a draft: send and confirm it with its buttons."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") == "sale":
            # writing the state directly is no way around the approval
            self._check_contract_approved()
        if "partner_id" in vals and not self.env.su:
            self._check_customer_kept_once_confirmed(vals["partner_id"])
        self._check_confirmed_terms_kept(vals)
        res = super().write(vals)
        self._withdraw_outdated_contract_approval()
        return res

    # ------------------------------------------------------------------
    # Contract approval (合同审批)
    # ------------------------------------------------------------------

    def action_confirm(self):
        self._check_contract_approved()
        res = super().action_confirm()
        self.partner_id._register_won_deal()  # a confirmed contract is a won deal
        return res

    def action_submit_contract(self):
        """Submit the contract for approval (提交审批); without a matching rule it is approved at
        once."""
        self._check_readable_as_if_missing()
        for order in self:
            if order.state not in ("draft", "sent") or order.is_superseded:
                raise UserError(
                    self.env._(
                        "Only an open quotation (its latest revision) can be submitted as a contract."  # noqa: E501
                    )
                )
            if order.contract_state == "pending":
                raise UserError(self.env._("%s is already waiting for approval.", order.name))
            order._check_discounts_approved()
            rule = self.env["sale.order.approval.rule"]._find_for(order)
            order.sudo().write(
                {
                    "contract_number": order.contract_number
                    or self.env["ir.sequence"].sudo().next_by_code("sale.order.contract"),
                    "submitted_by_id": self.env.uid,
                    "contract_state": "pending" if rule else "approved",
                    "contract_fingerprint": order._contract_fingerprint(),
                }
            )
            order.message_post(
                body=self.env._(
                    "Submitted for approval by %(user)s (%(rule)s).",
                    user=self.env.user.name,
                    rule=rule.name,
                )
                if rule
                else self.env._("Submitted by %s: no approval needed.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
            if rule:
                order._request_approval("contract", rule._levels_for(order))
        return True

    def action_approve_contract(self, reason=False):
        """Approve the current level; the last level approves the contract."""
        return self._decide_approval("contract", True, reason)

    def action_reject_contract(self, reason):
        """Reject the contract: it goes back to the rep with the reason."""
        return self._decide_approval("contract", False, reason)

    def action_open_contract_approve(self):
        return self._decision_dialog("contract", "approve")

    def action_open_contract_reject(self):
        return self._decision_dialog("contract", "reject")

    def _on_contract_approved(self):
        self.sudo().write({"contract_state": "approved"})

    def _on_contract_rejected(self, reason):
        self.sudo().write({"contract_state": "rejected"})

    def _check_customer_kept_once_confirmed(self, partner_value):
        """An order confirmed for one partner is not handed to another: its approvals (or the
        absence of any, for a partner nobody manages) were for that one."""
        new_id = as_record_id(partner_value)
        if any(order.state == "sale" and order.partner_id.id != new_id for order in self):
            raise UserError(
                self.env._("The customer of a confirmed order does not change: make a new order.")
            )

    def _check_confirmed_terms_kept(self, vals):
        """Once confirmed, a managed customer's contract keeps its addresses, prices and terms:
        a sales manager changes them."""
        changed = vals.keys() & CONFIRMED_ORDER_TERMS
        if not changed or self.env.su or self.env.user._is_sales_manager():
            return
        for order in self.filtered(lambda o: o.state == "sale" and o._is_managed_contract()):
            for name in changed:
                if order._changed_by(vals, [name]):
                    raise UserError(
                        self.env._(
                            "%(order)s is a confirmed contract: its %(field)s is changed by a "
                            "sales manager.",
                            order=order.name,
                            field=order._describe_fields([name]),
                        )
                    )

    def _is_managed_contract(self):
        """An order of a managed customer: contracts, their approvals and locks are for these."""
        self.ensure_one()
        return bool(self.sudo().partner_id.commercial_partner_id.is_customer)

    def action_cancel(self):
        """A confirmed contract of a managed customer is cancelled by a sales manager; a rep
        takes goods back with a return."""
        if not (self.env.su or self.env.user._is_sales_manager()):
            confirmed = self.filtered(lambda o: o.state == "sale" and o._is_managed_contract())
            if confirmed:
                raise UserError(
                    self.env._(
                        "%s is a confirmed contract: a sales manager cancels it (goods come back "
                        "with a return).",
                        confirmed[0].name,
                    )
                )
        return super().action_cancel()

    def _contract_needs_approval(self):
        self.ensure_one()
        return bool(self.env["sale.order.approval.rule"]._find_for(self))

    def _awaits_contract_approval(self):
        self.ensure_one()
        return not self._is_contract_approved() and self._contract_needs_approval()

    def _check_contract_approved(self):
        for order in self:
            if order._awaits_contract_approval():
                raise UserError(
                    self.env._(
                        "%s needs an approved contract before it is confirmed: submit it for approval.",  # noqa: E501
                        order.name,
                    )
                )

    def _is_contract_approved(self):
        """Approved, for exactly the terms and lines that were submitted."""
        self.ensure_one()
        return (
            self.contract_state == "approved"
            and self.contract_fingerprint == self._contract_fingerprint()
        )

    def _contract_fingerprint(self):
        self.ensure_one()
        order = self.sudo()
        terms = [_values_of(order, CONTRACT_TERMS)]
        terms += [_values_of(line, CONTRACT_LINE_TERMS) for line in order.order_line.sorted("id")]
        return hashlib.sha256(json.dumps(terms, default=str).encode()).hexdigest()

    def _withdraw_outdated_contract_approval(self):
        """Anything changed after submission withdraws the approval (or the pending request)."""
        outdated = self.sudo().filtered(
            lambda o: (
                o.contract_state in ("pending", "approved")
                and o.state in ("draft", "sent")
                and o.contract_fingerprint != o._contract_fingerprint()
            )
        )
        for order in outdated:
            order.write({"contract_state": "none", "contract_fingerprint": False})
            order._withdraw_approval("contract")
            order.with_env(self.env).message_post(
                body=self.env._(
                    "Changed after submission: the approval is withdrawn, submit it again."
                ),
                subtype_xmlid="mail.mt_note",
            )
