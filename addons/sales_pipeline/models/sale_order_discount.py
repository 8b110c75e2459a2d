from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .sale_order_discount_rule import CUSTOMER_TIERS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    customer_tier = fields.Selection(
        selection=CUSTOMER_TIERS,
        compute="_compute_customer_tier",
    )
    needs_discount_approval = fields.Boolean(compute="_compute_needs_discount_approval")
    discount_approved_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Discounts Approved By",
        readonly=True,
        copy=False,
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"discount_approved_by_id"}

    @api.depends("partner_id")
    def _compute_customer_tier(self):
        for order in self:
            order.customer_tier = order.partner_id.commercial_partner_id.customer_tier

    @api.depends("order_line.discount_over_max")
    def _compute_needs_discount_approval(self):
        for order in self:
            order.needs_discount_approval = any(order.order_line.mapped("discount_over_max"))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_request_discount_approval(self):
        """The rep asks the sales managers to accept the discounts above the maximum."""
        self._check_readable_as_if_missing()
        for order in self:
            order._check_discounts_to_approve()
            if order._current_approval("discount"):
                raise UserError(
                    self.env._("The discounts of %s are already waiting for approval.", order.name)
                )
            order._request_discount_approval()
        return True

    def action_approve_discounts(self, reason=False):
        """A sales manager accepts the discounts above the reps' maximum, asked for or not."""
        self._check_readable_as_if_missing()
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can approve discounts."))
        for order in self:
            order._check_discounts_to_approve()
            if not order._current_approval("discount"):
                # on behalf of the quotation's salesperson: never one's own discounts
                requester = order.sudo().user_id or order.sudo().create_uid
                order.with_user(requester)._request_discount_approval()
            order._decide_approval("discount", True, reason)
        return True

    def _request_discount_approval(self):
        managers = self.env["sales.pipeline.approval"]._sales_managers()
        self._request_approval("discount", [(self.env._("Sales Managers"), managers)])

    def _check_discounts_to_approve(self):
        self.ensure_one()
        if not self.needs_discount_approval or self.discount_approved_by_id:
            raise UserError(self.env._("%s has no discount waiting for approval.", self.name))

    def _on_discount_approved(self):
        self.sudo().discount_approved_by_id = self.env.user
        self.message_post(
            body=self.env._("Discounts approved by %s.", self.env.user.name),
            subtype_xmlid="mail.mt_note",
        )

    def write(self, vals):
        if vals.get("state") == "sent":
            # sent by any path (mark as sent, a message with mark_so_as_sent...)
            self._check_approved_to_leave()
        elif vals.get("state") == "sale":
            self._check_discounts_approved()
        res = super().write(vals)
        if vals.keys() & {"partner_id", "pricelist_id", "currency_id", "user_id", "team_id"}:
            # another customer's tier, other prices, or another salesperson asking
            self._reset_discount_approval()
        return res

    def action_quotation_send(self):
        self._check_approved_to_leave()
        return super().action_quotation_send()

    def action_confirm(self):
        self._check_discounts_approved()
        if self.env.su:
            self._with_unapproved_discounts()._note_unapproved_discounts()
        res = super().action_confirm()
        # the tier reads confirmed orders: a new customer is an old one from now on
        self.env["res.partner"].invalidate_model(["customer_tier"])
        return res

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_discounts_approved(self):
        """The reps' maximum binds people. An automated flow (superuser: a customer paying
        online, e-commerce, scheduled actions) is not blocked; action_confirm writes its
        unapproved discounts in the chatter for the managers to see."""
        if self.env.su:
            return
        for order in self._with_unapproved_discounts():
            raise UserError(
                self.env._(
                    "%(order)s gives discounts above what reps may give (%(lines)s): "
                    "a sales manager must approve them first.",
                    order=order.name,
                    lines=order._describe_discounts_over_max(),
                )
            )

    def _with_unapproved_discounts(self):
        return self.filtered(
            lambda order: order.needs_discount_approval and not order.discount_approved_by_id
        )

    def _describe_discounts_over_max(self):
        self.ensure_one()
        return ", ".join(
            f"{line.product_id.display_name} {line.discount:g}% > {line.discount_max:g}%"
            for line in self.order_line.filtered("discount_over_max")
        )

    def _note_unapproved_discounts(self):
        for order in self:
            order.message_post(
                body=self.env._(
                    "Confirmed automatically with discounts no manager approved: %s.",
                    order._describe_discounts_over_max(),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _reset_discount_approval(self):
        approved = self.filtered("discount_approved_by_id")
        if approved:
            approved.sudo().discount_approved_by_id = False
        self._withdraw_approval("discount")
