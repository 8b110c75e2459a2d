from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.actions import window_action

# What a superseded revision keeps read-only (the quotation itself, not its workflow).
REVISION_LOCKED_FIELDS = (
    "order_line",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "payment_term_id",
    "validity_date",
    "date_order",
    "note",
    "client_order_ref",
    "user_id",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

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
    revision_ids = fields.One2many(
        comodel_name="sale.order",
        inverse_name="revision_root_id",
        string="Revisions",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {
            "revision_root_id",
            "previous_revision_id",
            "revision_number",
            "is_superseded",
        }

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        if vals.keys() & set(REVISION_LOCKED_FIELDS):
            self._check_not_superseded()
        return super().write(vals)

    # ------------------------------------------------------------------
    # Revisions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Any revision may be the one the customer accepts: it is confirmed, its open siblings
        cancelled."""
        # the accepted revision is the live one again before Odoo's confirmation writes on it
        self.filtered("is_superseded").sudo().write({"is_superseded": False})
        res = super().action_confirm()
        self._cancel_open_sibling_revisions()
        return res

    def action_revise(self):
        """Make a new revision of this quotation; this one is kept, read-only."""
        self.ensure_one()
        if self.state not in ("draft", "sent") or self.is_superseded:
            raise UserError(
                self.env._("Only the latest revision of an open quotation can be revised.")
            )
        root = self.revision_root_id or self
        number = max((root | root.revision_ids).mapped("revision_number")) + 1
        new = self.copy({"name": f"{root.name}-R{number}"})
        new.sudo().write(
            {
                "revision_root_id": root.id,
                "previous_revision_id": self.id,
                "revision_number": number,
            }
        )
        self.sudo().write({"is_superseded": True})
        self.message_post(
            body=self.env._("Revised as %s.", new.name),
            subtype_xmlid="mail.mt_note",
        )
        return window_action(self.env, "sale.order", res_id=new.id)

    def _check_not_superseded(self):
        if self.env.su:
            return  # the workflow's own steps (cancelling the siblings of the accepted revision)
        superseded = self.filtered("is_superseded")
        if superseded:
            raise UserError(
                self.env._(
                    "%s was replaced by a newer revision and is kept read-only: change the latest revision.",  # noqa: E501
                    ", ".join(superseded.mapped("name")),
                )
            )

    def _get_revision_family(self):
        self.ensure_one()
        root = self.revision_root_id or self
        return root | root.revision_ids

    def _cancel_open_sibling_revisions(self):
        for order in self:
            siblings = order._get_revision_family() - order
            open_siblings = siblings.filtered(lambda o: o.state in ("draft", "sent"))
            if open_siblings:
                open_siblings.sudo().with_context(disable_cancel_warning=True)._action_cancel()
                order.message_post(
                    body=self.env._(
                        "Other revisions cancelled: %s.", ", ".join(open_siblings.mapped("name"))
                    ),
                    subtype_xmlid="mail.mt_note",
                )
