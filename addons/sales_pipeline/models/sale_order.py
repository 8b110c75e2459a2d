from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.actions import window_action
from ..tools.locking import lock_rows
from .sale_order_discount_rule import CUSTOMER_TIERS
from .sale_order_export_template import MIME_TYPES

# What a superseded revision keeps read-only (the quotation itself, not its workflow).
REVISION_LOCKED_FIELDS = (
    "order_line", "partner_id", "partner_invoice_id", "partner_shipping_id", "pricelist_id",
    "payment_term_id", "validity_date", "date_order", "note", "client_order_ref", "user_id",
)


# Changing one of these after approval needs a new approval.
CONTRACT_LOCKED_FIELDS = (
    "order_line", "partner_id", "pricelist_id", "payment_term_id", "signing_date", "contract_end_date",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    partner_commercial_id = fields.Many2one(
        comodel_name="res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        string="Customer Account",
        help="The customer company of the contact, kept here for the reps' record rules.",
    )
    customer_tier = fields.Selection(
        selection=CUSTOMER_TIERS,
        string="Customer Tier",
        compute="_compute_customer_tier",
    )
    needs_discount_approval = fields.Boolean(compute="_compute_needs_discount_approval")
    discount_approved_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Discounts Approved By",
        readonly=True,
        copy=False,
    )
    revision_root_id = fields.Many2one(
        comodel_name="sale.order",
        string="First Revision",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    previous_revision_id = fields.Many2one(
        comodel_name="sale.order",
        string="Revision Of",
        readonly=True,
        copy=False,
    )
    revision_number = fields.Integer(default=1, readonly=True, copy=False)
    is_superseded = fields.Boolean(
        string="Superseded",
        readonly=True,
        copy=False,
        help="A newer revision replaced this quotation: it is kept read-only.",
    )
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
    submitted_by_id = fields.Many2one(comodel_name="res.users", string="Submitted By", readonly=True, copy=False)
    approval_step_ids = fields.One2many(
        comodel_name="sale.order.approval.step",
        inverse_name="order_id",
        string="Approvals",
        readonly=True,
    )
    can_approve_contract = fields.Boolean(compute="_compute_can_approve_contract")
    contract_executed_on = fields.Datetime(string="Executed On", readonly=True, copy=False)
    return_ids = fields.One2many(comodel_name="sale.order.return", inverse_name="order_id", string="Returns")
    return_count = fields.Integer(compute="_compute_return_count")
    margin_after_returns = fields.Monetary(
        compute="_compute_margin_after_returns",
        help="The margin of the contract less the margin of the goods taken back.",
    )
    amount_paid = fields.Monetary(string="Received", compute="_compute_amount_paid")
    amount_unpaid = fields.Monetary(string="Still Due", compute="_compute_amount_paid")
    revision_ids = fields.One2many(
        comodel_name="sale.order",
        inverse_name="revision_root_id",
        string="Revisions",
    )

    # the reps' customer rule collects the customers of a rep's documents: one index-only scan
    _user_customer_idx = models.Index("(user_id, partner_commercial_id) WHERE user_id IS NOT NULL")

    @api.depends("partner_id")
    def _compute_customer_tier(self):
        for order in self:
            order.customer_tier = order.partner_id.commercial_partner_id.customer_tier

    @api.depends_context("uid")
    @api.depends("approval_step_ids.state", "contract_state")
    def _compute_can_approve_contract(self):
        for order in self:
            step = order._current_approval_step()
            order.can_approve_contract = bool(step) and order._may_decide(step)

    @api.depends("return_ids")
    def _compute_return_count(self):
        for order in self:
            order.return_count = len(order.return_ids)

    @api.depends("margin", "return_ids.state", "return_ids.line_ids.quantity")
    def _compute_margin_after_returns(self):
        for order in self:
            returned = 0.0
            for line in order.sudo().return_ids.filtered(lambda r: r.state == "done").line_ids:
                sale_line = line.sale_line_id
                if sale_line.product_uom_qty:
                    returned += sale_line.margin / sale_line.product_uom_qty * line.quantity
            order.margin_after_returns = order.margin - returned

    def action_new_return(self):
        self.ensure_one()
        if self.state != "sale":
            raise UserError(self.env._("Only a confirmed contract can have returns."))
        return window_action(
            self.env,
            "sale.order.return",
            name=self.env._("New Return"),
            view_mode="form",
            context={
                "default_order_id": self.id,
                "default_line_ids": self.env["sale.order.return"]._prepare_lines_for(self),
            },
        )

    def action_view_returns(self):
        self.ensure_one()
        return window_action(
            self.env,
            "sale.order.return",
            name=self.env._("Returns"),
            domain=[("order_id", "=", self.id)],
            context={"default_order_id": self.id},
        )

    @api.depends("invoice_ids.amount_residual", "invoice_ids.state", "amount_total")
    def _compute_amount_paid(self):
        for order in self:
            invoices = order.sudo().invoice_ids.filtered(lambda m: m.state == "posted")
            signed = sum(inv.amount_total_signed for inv in invoices)
            residual = sum(inv.amount_residual_signed for inv in invoices)
            order.amount_paid = signed - residual
            order.amount_unpaid = order.amount_total - order.amount_paid

    @api.depends("order_line.discount_over_max")
    def _compute_needs_discount_approval(self):
        for order in self:
            order.needs_discount_approval = any(order.order_line.mapped("discount_over_max"))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # lock first: creating the order writes its project, which would wait on a concurrent lock
        scopes = self._lock_quote_scopes(vals_list)
        orders = super().create(vals_list)
        orders._check_quote_limit(scopes)
        return orders

    def write(self, vals):
        if "contract_state" in vals and not self.env.su:
            raise AccessError(self.env._("The approval of a contract changes only through Submit, Approve and Reject."))
        if vals.get("state") == "sale" and not self.env.context.get("confirming_contract"):
            self._check_contract_approved()  # writing the state directly is no way around the approval
        if vals.keys() & set(REVISION_LOCKED_FIELDS):
            self._check_not_superseded()
        res = super().write(vals)
        if vals.keys() & set(CONTRACT_LOCKED_FIELDS):
            self._reset_contract_approval()
        return res

    # ------------------------------------------------------------------
    # Discount approval
    # ------------------------------------------------------------------

    def action_approve_discounts(self):
        """A sales manager accepts the discounts above the reps' maximum."""
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can approve discounts."))
        for order in self:
            if order.user_id == self.env.user and not self.env.user.has_group("sales_team.group_sale_manager"):
                raise AccessError(self.env._("You cannot approve the discounts of your own quotation."))
            order.sudo().discount_approved_by_id = self.env.user
            order.message_post(
                body=self.env._("Discounts approved by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _reset_discount_approval(self):
        approved = self.filtered("discount_approved_by_id")
        if approved:
            approved.sudo().discount_approved_by_id = False

    def _check_discounts_approved(self):
        for order in self:
            if order.needs_discount_approval and not order.discount_approved_by_id:
                lines = order.order_line.filtered("discount_over_max")
                raise UserError(self.env._(
                    "%(order)s gives discounts above what reps may give (%(lines)s): "
                    "a sales manager must approve them first.",
                    order=order.name,
                    lines=", ".join(f"{line.product_id.display_name} {line.discount:g}% > {line.discount_max:g}%" for line in lines),
                ))

    def action_quotation_send(self):
        self._check_discounts_approved()
        return super().action_quotation_send()

    def action_confirm(self):
        """Any revision may be the one the customer accepts: it is confirmed, its open siblings cancelled."""
        self._check_discounts_approved()
        self._check_contract_approved()
        res = super(SaleOrder, self.with_context(revision_workflow=True, confirming_contract=True)).action_confirm()
        self.filtered("is_superseded").sudo().write({"is_superseded": False})
        self._cancel_open_sibling_revisions()
        self.partner_id._register_won_deal()
        # the tier reads confirmed orders: a new customer is an old one from now on
        self.env["res.partner"].invalidate_model(["customer_tier"])
        return res

    # ------------------------------------------------------------------
    # Quote-count limit (报价次数)
    # ------------------------------------------------------------------

    @api.model
    def _get_quote_limits(self):
        params = self.env["ir.config_parameter"].sudo()
        return (
            int(params.get_param("sales_pipeline.quote_limit_per_project") or 0),
            int(params.get_param("sales_pipeline.quote_limit_per_customer") or 0),
        )

    @api.model
    def _quote_scope(self, opportunity, partner):
        """(table, id, label, domain of its quotations, limit) a new quotation counts toward, or None."""
        project_limit, customer_limit = self._get_quote_limits()
        if opportunity and project_limit:
            return ("crm_lead", opportunity.id, opportunity.name,
                    [("opportunity_id", "=", opportunity.id)], project_limit)
        if not opportunity and partner and customer_limit:
            customer = partner.commercial_partner_id
            return ("res_partner", customer.id, customer.name,
                    [("opportunity_id", "=", False), ("partner_id", "child_of", customer.id)], customer_limit)
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
            opportunity = self.env["crm.lead"].browse(vals.get("opportunity_id") or self.env.context.get("default_opportunity_id"))
            partner = self.env["res.partner"].browse(vals.get("partner_id") or self.env.context.get("default_partner_id"))
            scope = self._quote_scope(opportunity.exists(), partner.exists())
            if scope and scope[:2] not in scopes:
                self._lock_row(scope[0], scope[1], scope[2])
                scopes[scope[:2]] = scope
        return scopes

    def _lock_row(self, table, row_id, label):
        lock_rows(self.env, table, [row_id], self.env._(
            "Another quotation of %s is being made at this very moment. Try again in a moment.", label,
        ), touch=True, flush=False)

    def _check_quote_limit(self, scopes):
        for _table, _row_id, label, domain, limit in scopes.values():
            count = self.sudo().with_context(active_test=False).search_count(domain)
            if count > limit:
                raise UserError(self.env._(
                    "%(label)s may have at most %(limit)s quotations (revisions included) and has %(count)s already.",
                    label=label, limit=limit, count=count - len(self.filtered_domain(domain)),
                ))

    # ------------------------------------------------------------------
    # Revisions
    # ------------------------------------------------------------------

    def action_revise(self):
        """Make a new revision of this quotation; this one is kept, read-only."""
        self.ensure_one()
        if self.state not in ("draft", "sent") or self.is_superseded:
            raise UserError(self.env._("Only the latest revision of an open quotation can be revised."))
        root = self.revision_root_id or self
        number = max((root | root.revision_ids).mapped("revision_number")) + 1
        new = self.copy({
            "name": f"{root.name}-R{number}",
            "revision_root_id": root.id,
            "previous_revision_id": self.id,
            "revision_number": number,
            "discount_approved_by_id": False,
        })
        self.sudo().write({"is_superseded": True})
        self.message_post(
            body=self.env._("Revised as %s.", new.name),
            subtype_xmlid="mail.mt_note",
        )
        return window_action(self.env, "sale.order", res_id=new.id)

    def _check_not_superseded(self):
        if self.env.context.get("revision_workflow"):
            return  # confirming a revision, or cancelling its siblings, writes on them
        superseded = self.filtered("is_superseded")
        if superseded:
            raise UserError(self.env._(
                "%s was replaced by a newer revision and is kept read-only: change the latest revision.",
                ", ".join(superseded.mapped("name")),
            ))

    def _get_revision_family(self):
        self.ensure_one()
        root = self.revision_root_id or self
        return root | root.revision_ids

    def _cancel_open_sibling_revisions(self):
        for order in self:
            siblings = order._get_revision_family() - order
            open_siblings = siblings.filtered(lambda o: o.state in ("draft", "sent"))
            if open_siblings:
                open_siblings.sudo().with_context(
                    disable_cancel_warning=True, revision_workflow=True,
                )._action_cancel()
                order.message_post(
                    body=self.env._("Other revisions cancelled: %s.", ", ".join(open_siblings.mapped("name"))),
                    subtype_xmlid="mail.mt_note",
                )

    # ------------------------------------------------------------------
    # Export (报价单导出)
    # ------------------------------------------------------------------

    def action_export_xlsx(self):
        return self._export_through("xlsx")

    def action_export_docx(self):
        return self._export_through("docx")

    def _export_through(self, file_type, template=None):
        """Render the quotation through its template, attach the file and download it."""
        self.ensure_one()
        template = template or self._get_export_template(file_type)
        content = template._render(self)
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.name.replace('/', '-')}.{file_type}",
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": MIME_TYPES[file_type],
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _get_export_template(self, file_type):
        template = self.env["sale.order.export.template"].search([
            ("file_type", "=", file_type), ("company_id", "in", [self.company_id.id, False]),
        ], order="company_id, sequence, id", limit=1)
        if not template:
            raise UserError(self.env._("There is no quotation template for %s files: upload one first.", file_type))
        return template

    # ------------------------------------------------------------------
    # Contract approval (合同审批)
    # ------------------------------------------------------------------

    def action_submit_contract(self):
        """Submit the contract for approval (提交审批); without a matching rule it is approved at once."""
        for order in self:
            if order.state not in ("draft", "sent") or order.is_superseded:
                raise UserError(self.env._("Only an open quotation (its latest revision) can be submitted as a contract."))
            if order.contract_state == "pending":
                raise UserError(self.env._("%s is already waiting for approval.", order.name))
            order._check_discounts_approved()
            rule = self.env["sale.order.approval.rule"]._find_for(order)
            vals = {
                "contract_number": order.contract_number or self.env["ir.sequence"].sudo().next_by_code("sale.order.contract"),
                "submitted_by_id": self.env.uid,
            }
            steps = [
                {"order_id": order.id, "sequence": index, "level_id": level.id,
                 "approver_ids": [(6, 0, (level._get_approvers(order) - self.env.user).ids)]}
                for index, level in enumerate(rule.level_ids, start=1)
            ]
            order.sudo().approval_step_ids.unlink()
            self.env["sale.order.approval.step"].sudo().create(steps)
            order.sudo().write(dict(vals, contract_state="pending" if steps else "approved"))
            order.message_post(
                body=self.env._("Submitted for approval by %(user)s (%(rule)s).", user=self.env.user.name, rule=rule.name)
                if steps else self.env._("Submitted by %s: no approval needed.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_approve_contract(self, decision_note=False):
        """Approve the current level; the last level approves the contract."""
        for order in self:
            step = order._check_can_decide()
            step.sudo().write({"state": "approved", "decided_by_id": self.env.uid,
                               "decided_on": fields.Datetime.now(), "decision_note": decision_note or False})
            done = not order._current_approval_step()
            if done:
                order.sudo().write({"contract_state": "approved"})
            order.message_post(
                body=self.env._("Approved by %(user)s.%(comment)s", user=self.env.user.name,
                                comment=f" {decision_note}" if decision_note else ""),
                partner_ids=order.submitted_by_id.partner_id.ids if done else [],
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_reject_contract(self, decision_note):
        """Reject the contract: it goes back to the rep with the reason."""
        if not (decision_note or "").strip():
            raise UserError(self.env._("Say why the contract is rejected: the rep will read it."))
        for order in self:
            step = order._check_can_decide()
            step.sudo().write({"state": "rejected", "decided_by_id": self.env.uid,
                               "decided_on": fields.Datetime.now(), "decision_note": decision_note})
            order.sudo().write({"contract_state": "rejected"})
            order.message_post(
                body=self.env._("Rejected by %(user)s: %(comment)s", user=self.env.user.name, comment=decision_note),
                partner_ids=order.submitted_by_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _current_approval_step(self):
        self.ensure_one()
        if self.contract_state != "pending":
            return self.env["sale.order.approval.step"]
        return self.sudo().approval_step_ids.filtered(lambda s: s.state == "pending")[:1]

    def _may_decide(self, step):
        return self.env.user in step.approver_ids and self.env.user != self.submitted_by_id

    def _check_can_decide(self):
        self.ensure_one()
        # two approvers (or one double click) at the same moment: one decides, the other is told
        lock_rows(self.env, "sale_order", self.ids, self.env._(
            "Someone is deciding on %s at this very moment: reload it to see the decision.", self.name))
        step = self._current_approval_step()
        if not step:
            raise UserError(self.env._("%s is not waiting for approval.", self.name))
        if self.env.user == self.submitted_by_id:
            raise AccessError(self.env._("You cannot approve a contract you submitted."))
        if self.env.user not in step.approver_ids:
            raise AccessError(self.env._(
                "This approval level of %(order)s belongs to %(approvers)s.",
                order=self.name, approvers=", ".join(step.approver_ids.mapped("name")) or "-",
            ))
        return step

    def _contract_needs_approval(self):
        self.ensure_one()
        return bool(self.env["sale.order.approval.rule"]._find_for(self))

    def _check_contract_approved(self):
        for order in self:
            if order.contract_state != "approved" and order._contract_needs_approval():
                raise UserError(self.env._(
                    "%s needs an approved contract before it is confirmed: submit it for approval.", order.name,
                ))

    def _reset_contract_approval(self):
        if self.env.context.get("revision_workflow"):
            return
        decided = self.filtered(lambda o: o.contract_state in ("pending", "approved") and o.state in ("draft", "sent"))
        for order in decided:
            order.sudo().with_context(revision_workflow=True).write({"contract_state": "none"})
            order.sudo().approval_step_ids.unlink()
            order.message_post(
                body=self.env._("Changed after submission: the approval is withdrawn, submit it again."),
                subtype_xmlid="mail.mt_note",
            )

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
            body=self.env._("Executed by %(user)s: delivered, invoiced %(invoices)s, %(amount)s received.",
                            user=self.env.user.name, invoices=", ".join(invoices.mapped("name")),
                            amount=order.currency_id.format(amount)),
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
            raise AccessError(self.env._("Only the salesperson of %s or a sales manager can execute it.", self.name))
        self._check_contract_approved()

    def _lock_for_execution(self):
        lock_rows(self.env, "sale_order", self.ids, self.env._(
            "%s is being executed at this very moment.", self.name,
        ), flush=False)

    def _deliver_for_execution(self, allow_partial):
        pickings = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        pickings.action_assign()
        short = [
            (move.product_id.display_name, move.product_uom_qty, move.quantity)
            for move in pickings.move_ids
            if move.product_id.is_storable and move.product_uom.compare(move.quantity, move.product_uom_qty) < 0
        ]
        if short and not allow_partial:
            raise UserError(self.env._(
                "Not enough stock to deliver %(order)s: %(missing)s. Nothing was done; "
                "deliver what is in stock with a backorder for the rest, or wait for the goods.",
                order=self.name,
                missing="; ".join(f"{name} ({available:g} of {needed:g})" for name, needed, available in short),
            ))
        for move in pickings.move_ids:
            if not move.product_id.is_storable:
                move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True, skip_immediate=True).button_validate()

    def _register_payment(self, invoices, journal, amount, date):
        if amount < 0 or self.currency_id.compare_amounts(amount, sum(invoices.mapped("amount_total"))) > 0:
            raise UserError(self.env._("The amount received must be between 0 and the invoiced total."))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids,
        ).create({
            "journal_id": journal.id,
            "amount": amount,
            "payment_date": date,
            "payment_difference_handling": "open",
        }).action_create_payments()
