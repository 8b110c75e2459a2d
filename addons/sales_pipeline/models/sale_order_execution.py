from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.actions import window_action
from ..tools.locking import lock_rows


class SaleOrder(models.Model):
    _inherit = "sale.order"

    contract_executed_on = fields.Datetime(string="Executed On", readonly=True, copy=False)
    # Received against the contract's posted invoices. Not Odoo's amount_paid (authorized or done
    # online payment transactions, which confirms and invoices paid quotations): a field of its own.
    amount_received = fields.Monetary(string="Received", compute="_compute_amount_received")
    amount_still_due = fields.Monetary(string="Still Due", compute="_compute_amount_received")

    def _get_system_fields(self):
        return super()._get_system_fields() | {"contract_executed_on"}

    @api.depends("invoice_ids.amount_residual", "invoice_ids.state", "amount_total")
    def _compute_amount_received(self):
        for order in self:
            # invoices and credit notes (returns): what was paid net of refunds, and what is owed
            # for what the customer keeps
            moves = order.sudo().invoice_ids.filtered(lambda m: m.state == "posted")
            signed = sum(move.amount_total_signed for move in moves)
            residual = sum(move.amount_residual_signed for move in moves)
            credited = -sum(
                move.amount_total_signed for move in moves if move.move_type == "out_refund"
            )
            order.amount_received = signed - residual
            order.amount_still_due = order.amount_total - credited - order.amount_received

    # ------------------------------------------------------------------
    # One-step execution (销售开单: 收款 + 出库 + 发货)
    # ------------------------------------------------------------------

    def action_open_execute_wizard(self):
        self.ensure_one()
        return window_action(
            self.env,
            "sale.order.execute.wizard",
            name=self.env._("Execute Contract"),
            view_mode="form",
            target="new",
            context={"default_order_id": self.id},
        )

    def _execute_contract(self, journal, amount, date, allow_partial=False):
        """Confirm, deliver, invoice and register the payment received, all or nothing.

        The caller's request is one transaction: any refusal below undoes what
        was done before it. The steps run as superuser once the user is
        known to own (or manage) the approved contract.
        """
        self.ensure_one()
        self._check_can_execute()
        self._lock_for_execution()
        order = self.sudo()
        if order.state in ("draft", "sent"):
            order.with_user(self.env.user).action_confirm()
        order._deliver_for_execution(allow_partial)
        invoices = order._create_invoices()
        invoices.action_post()
        if amount:
            order._register_payment(invoices, journal, amount, date)
        order.write({"contract_executed_on": fields.Datetime.now()})
        order.message_post(
            body=self.env._(
                "Executed by %(user)s: delivered, invoiced %(invoices)s, %(amount)s received.",
                user=self.env.user.name,
                invoices=", ".join(invoices.mapped("name")),
                amount=order.currency_id.format(amount),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return invoices

    def _check_can_execute(self):
        if self.contract_executed_on:
            raise UserError(self.env._("%s has already been executed.", self.name))
        if self.state not in ("draft", "sent", "sale"):
            raise UserError(self.env._("%s cannot be executed in its state.", self.name))
        is_manager = self.env.user._is_sales_manager()
        if self.user_id != self.env.user and not is_manager:
            raise AccessError(
                self.env._(
                    "Only the salesperson of %s or a sales manager can execute it.", self.name
                )
            )
        self._check_contract_approved()

    def _lock_for_execution(self):
        lock_rows(
            self.env,
            "sale_order",
            self.ids,
            self.env._(
                "%s is being executed at this very moment.",
                self.name,
            ),
            flush=False,
        )

    def _deliver_for_execution(self, allow_partial):
        """Deliver through the warehouse's route, one step after the other (pick → pack → ship):
        stock is reserved, with its lots or serial numbers, at the first step only."""
        open_pickings = self._open_pickings()
        first = open_pickings.filtered(lambda p: not p.move_ids.move_orig_ids)
        first.action_assign()
        self._check_stock_for_execution(first, allow_partial)
        validated = self.env["stock.picking"]
        ready = first
        while ready:
            self._validate_for_execution(ready)
            validated |= ready
            following = self._open_pickings() - validated
            if following:
                following.action_assign()
            ready = following.filtered(lambda p: p.state == "assigned")

    def _open_pickings(self):
        return self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))

    def _check_stock_for_execution(self, pickings, allow_partial):
        short = [
            (move.product_id.display_name, move.product_uom_qty, move.quantity)
            for move in pickings.move_ids
            if move.product_id.is_storable
            and move.product_uom.compare(move.quantity, move.product_uom_qty) < 0
        ]
        if short and not allow_partial:
            raise UserError(
                self.env._(
                    "Not enough stock to deliver %(order)s: %(missing)s. Nothing was done; "
                    "deliver what is in stock with a backorder for the rest, or wait for the goods.",  # noqa: E501
                    order=self.name,
                    missing="; ".join(
                        f"{name} ({available:g} of {needed:g})" for name, needed, available in short
                    ),
                )
            )

    def _validate_for_execution(self, pickings):
        for move in pickings.move_ids:
            if not move.product_id.is_storable:
                move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(
            skip_backorder=True, skip_sms=True, skip_immediate=True
        ).button_validate()

    def _register_payment(self, invoices, journal, amount, date):
        if (
            amount < 0
            or self.currency_id.compare_amounts(amount, sum(invoices.mapped("amount_total"))) > 0
        ):
            raise UserError(
                self.env._("The amount received must be between 0 and the invoiced total.")
            )
        self.env["account.payment.register"].with_context(
            active_model="account.move",
            active_ids=invoices.ids,
        ).create(
            {
                "journal_id": journal.id,
                "amount": amount,
                "payment_date": date,
                "payment_difference_handling": "open",
            }
        ).action_create_payments()
