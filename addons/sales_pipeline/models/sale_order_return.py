from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.locking import lock_rows

# what a submitted return takes back, from which contract, and why
SUBMITTED_RETURN_TERMS = frozenset({"order_id", "reason", "line_ids"})

RETURN_STATES = [
    ("draft", "Draft"),
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("done", "Done"),
    ("rejected", "Rejected"),
]


class SaleOrderReturn(models.Model):
    """A return of delivered goods (退货单): approved, then taken back, credited and refunded."""

    _name = "sale.order.return"
    _description = "Contract Return"
    _inherit = ["mail.thread", "sales.pipeline.approval.mixin"]
    _order = "id desc"

    name = fields.Char(readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Contract",
        required=True,
        index=True,
        domain="[('state', '=', 'sale')]",
        readonly=True,
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    user_id = fields.Many2one(related="order_id.user_id", store=True, string="Salesperson")
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    reason = fields.Text(required=True)
    line_ids = fields.One2many(
        comodel_name="sale.order.return.line", inverse_name="return_id", string="Products"
    )
    state = fields.Selection(
        selection=RETURN_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    submitted_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    decided_by_id = fields.Many2one(comodel_name="res.users", compute="_compute_decision")
    decided_on = fields.Datetime(compute="_compute_decision")
    decision_reason = fields.Text(string="Reason of the Decision", compute="_compute_decision")
    picking_ids = fields.Many2many(
        comodel_name="stock.picking", string="Return Transfers", readonly=True
    )
    credit_note_id = fields.Many2one(comodel_name="account.move", readonly=True)
    refund_journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Refund From",
        domain="[('type', 'in', ('bank', 'cash'))]",
    )
    amount_total = fields.Monetary(compute="_compute_amount_total", string="Refund Amount")

    def _get_system_fields(self):
        return super()._get_system_fields() | {"state", "submitted_by_id", "credit_note_id"}

    def write(self, vals):
        if vals.keys() & SUBMITTED_RETURN_TERMS:
            self._check_open_to_changes()
        return super().write(vals)

    def _check_open_to_changes(self):
        """What a return takes back is what was submitted and approved: it changes while it is a
        draft (or rejected), not after."""
        if self.env.su:
            return
        submitted = self.filtered(lambda r: r.state not in ("draft", "rejected"))
        if submitted:
            raise UserError(
                self.env._(
                    "%s has been submitted: what it takes back no longer changes.",
                    submitted[0].name,
                )
            )

    @api.depends("approval_ids.state")
    def _compute_decision(self):
        self._fill_last_decision("return")

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for record in self:
            record.amount_total = sum(record.line_ids.mapped("amount"))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            record.name = f"{record.order_id.name}-TH{len(record.order_id.return_ids):02d}"
        return records

    @api.model
    def _prepare_lines_for(self, order):
        """Default return lines: what was delivered and not returned yet."""
        return [
            Command.create({"sale_line_id": line.id, "quantity": 0})
            for line in order.order_line
            if line._returnable_quantity() > 0
        ]

    def _check_quantities(self):
        for line in self.line_ids:
            if line.quantity < 0 or line.quantity > line.sale_line_id._returnable_quantity(
                exclude=line.return_id
            ):
                raise ValidationError(
                    self.env._(
                        "At most %(qty)s of %(product)s can be returned (delivered minus already returned).",  # noqa: E501
                        qty=line.sale_line_id._returnable_quantity(exclude=line.return_id),
                        product=line.sale_line_id.product_id.display_name,
                    )
                )

    def action_submit(self):
        for record in self:
            if record.state not in ("draft", "rejected"):
                raise UserError(self.env._("%s has already been submitted.", record.name))
            if not any(record.line_ids.mapped("quantity")):
                raise UserError(
                    self.env._("Say which quantities come back before submitting %s.", record.name)
                )
            record._check_quantities()
            record.sudo().write({"state": "pending", "submitted_by_id": self.env.uid})
            record.message_post(
                body=self.env._("Submitted for approval."), subtype_xmlid="mail.mt_note"
            )
            managers = self.env["sales.pipeline.approval"]._sales_managers()
            record._request_approval("return", [(self.env._("Sales Managers"), managers)])
        return True

    def action_approve(self, reason=False):
        return self._decide_approval("return", True, reason)

    def action_reject(self, reason):
        return self._decide_approval("return", False, reason)

    def action_open_reject(self):
        return self._decision_dialog("return", "reject")

    def _on_return_approved(self):
        self.sudo().write({"state": "approved"})

    def _on_return_rejected(self, reason):
        self.sudo().write({"state": "rejected"})

    def action_process(self):
        """Take the goods back into stock, credit the customer and refund what was paid."""
        lock_rows(
            self.env,
            "sale_order_return",
            self.ids,
            self.env._("This return is being processed at this very moment."),
        )
        for record in self:
            if record.state != "approved":
                raise UserError(
                    self.env._("%s must be approved before it is processed.", record.name)
                )
            record._check_quantities()  # still no more than was delivered and not returned
            sudo_record = record.sudo()
            sudo_record._return_goods()
            credit_note = sudo_record._create_credit_note()
            sudo_record._refund_payment(credit_note)
            sudo_record.write({"state": "done", "credit_note_id": credit_note.id})
            record.message_post(
                body=self.env._("Goods back in stock, credit note %s posted.", credit_note.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _return_goods(self):
        to_return = {line.sale_line_id: line.quantity for line in self.line_ids if line.quantity}
        pickings = self.order_id.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        for picking in pickings:
            wizard = (
                self.env["stock.return.picking"]
                .with_context(
                    active_id=picking.id,
                    active_model="stock.picking",
                )
                .create({"picking_id": picking.id})
            )
            wanted = False
            for return_line in wizard.product_return_moves:
                sale_line = return_line.move_id.sale_line_id
                quantity = min(to_return.get(sale_line, 0), return_line.move_id.quantity)
                return_line.quantity = quantity
                if quantity:
                    to_return[sale_line] -= quantity
                    wanted = True
            if not wanted:
                continue
            returned = wizard._create_return()
            for move in returned.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            returned.with_context(skip_backorder=True, skip_sms=True).button_validate()
            self.picking_ids |= returned

    def _create_credit_note(self):
        lines = self.line_ids.filtered("quantity")
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.order_id.partner_invoice_id.id,
                "invoice_origin": self.name,
                "currency_id": self.currency_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.sale_line_id.product_id.id,
                            "quantity": line.quantity,
                            "price_unit": line.sale_line_id.price_unit,
                            "discount": line.sale_line_id.discount,
                            "tax_ids": [Command.set(line.sale_line_id.tax_ids.ids)],
                            "sale_line_ids": [Command.set(line.sale_line_id.ids)],
                        }
                    )
                    for line in lines
                ],
            }
        )
        credit_note.action_post()
        return credit_note

    def _settle_against_open_invoices(self, credit_note):
        """The credit first reduces what the customer still owes on the contract's invoices."""
        invoices = self.order_id.invoice_ids.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and not move.currency_id.is_zero(move.amount_residual)
            )
        )
        receivables = (credit_note | invoices).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if invoices and len(receivables.account_id) == 1:
            receivables.reconcile()

    def _refund_payment(self, credit_note):
        """Refund what the credit leaves once the open invoices are settled: only what the
        customer paid beyond what they keep."""
        self._settle_against_open_invoices(credit_note)
        amount = credit_note.amount_residual
        if credit_note.currency_id.compare_amounts(amount, 0) <= 0:
            return
        journal = self.refund_journal_id or self.env["account.journal"].search(
            [("type", "in", ("bank", "cash")), ("company_id", "=", self.company_id.id)],
            limit=1,
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move",
            active_ids=credit_note.ids,
        ).create(
            {
                "journal_id": journal.id,
                "amount": amount,
                "payment_difference_handling": "open",
            }
        ).action_create_payments()


class SaleOrderReturnLine(models.Model):
    _name = "sale.order.return.line"
    _description = "Contract Return Line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.return_id._check_open_to_changes()
        return lines

    def write(self, vals):
        self.return_id._check_open_to_changes()
        return super().write(vals)

    def unlink(self):
        self.return_id._check_open_to_changes()
        return super().unlink()

    return_id = fields.Many2one(
        comodel_name="sale.order.return", required=True, ondelete="cascade", index=True
    )
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line", string="Contract Line", required=True
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    currency_id = fields.Many2one(related="return_id.currency_id")
    quantity = fields.Float(digits="Product Unit")
    returnable_quantity = fields.Float(
        compute="_compute_returnable_quantity", digits="Product Unit"
    )
    amount = fields.Monetary(compute="_compute_amount")

    @api.constrains("quantity", "sale_line_id")
    def _check_quantity(self):
        self.return_id._check_quantities()

    @api.depends("sale_line_id.qty_delivered")
    def _compute_returnable_quantity(self):
        for line in self:
            line.returnable_quantity = line.sale_line_id._returnable_quantity(
                exclude=line.return_id
            )

    @api.depends("quantity", "sale_line_id")
    def _compute_amount(self):
        for line in self:
            sale_line = line.sale_line_id
            line.amount = (
                sale_line.price_total / sale_line.product_uom_qty * line.quantity
                if sale_line.product_uom_qty
                else 0
            )
