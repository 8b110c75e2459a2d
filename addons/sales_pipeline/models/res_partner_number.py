from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    """Customer numbers: given to top-level customers as they are created or become customers."""

    _inherit = "res.partner"

    customer_code = fields.Char(
        string="Customer Number",
        readonly=True,
        copy=False,
        index="trigram",
    )

    _customer_code_uniq = models.Constraint(
        "unique(customer_code)",
        "This customer number is already used.",
    )

    def _get_system_fields(self):
        return super()._get_system_fields() | {"customer_code"}

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            # numbers within the create (no second write); a user's values must not carry
            # a number (a field only the application sets): theirs come right after
            self._prepare_customer_codes(vals_list)
        partners = super().create(vals_list)
        customers = partners.filtered(lambda p: p.is_customer and not p.parent_id)
        if customers:
            customers.filtered(lambda p: not p.customer_code)._assign_customer_code()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_customer"):
            self.filtered(lambda p: not p.parent_id and not p.customer_code)._assign_customer_code()
        return res

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _prepare_customer_codes(self, vals_list):
        """Give new top-level customers their number within the create (no second write)."""
        default_customer = self.env.context.get("default_is_customer")
        new_customers = [
            vals
            for vals in vals_list
            if vals.get("is_customer", default_customer)
            and not vals.get("parent_id")
            and not vals.get("customer_code")
        ]
        for vals, code in zip(
            new_customers, self._next_customer_codes(len(new_customers)), strict=True
        ):
            vals["customer_code"] = code

    def _assign_customer_code(self):
        for partner, code in zip(self, self._next_customer_codes(len(self)), strict=True):
            partner.sudo().customer_code = code

    @api.model
    def _next_customer_codes(self, count):
        """``count`` new customer numbers, in one query when the sequence allows it (imports)."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "res.partner.customer_code"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not count:
            return []
        if (
            not sequence
            or sequence.implementation != "standard"
            or sequence.use_date_range
            or count < 2
        ):
            return [
                self.env["ir.sequence"].sudo().next_by_code("res.partner.customer_code")
                for _ in range(count)
            ]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        numbers = [
            number for (number,) in self.env.cr.fetchall()
        ]  # before reading the sequence: it may query
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in numbers]
