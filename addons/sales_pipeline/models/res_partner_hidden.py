from odoo import models

# context keys that add a partner's details to its display name (Odoo's res.partner)
DETAIL_KEYS = ("show_address", "show_email", "show_vat")


class ResPartner(models.Model):
    """A managed customer the user cannot read shows nothing of itself through another record:
    it cannot be linked, and a link that exists shows its name only."""

    _inherit = "res.partner"

    def _check_linkable(self):
        """A user links only partners they may read, as far as managed customers go (a partner
        another rule hides is linked as in Odoo)."""
        if self.env.su:
            return
        missing, hidden = self._split_missing_and_hidden()
        unlinkable = missing | hidden._managed_customers()
        if unlinkable:
            raise self.env["ir.rule"]._missing_record_error(unlinkable[:1])

    def _managed_customers(self):
        return self.filtered(lambda partner: partner.sudo().commercial_partner_id.is_customer)

    def _compute_display_name(self):
        """Odoo computes the name of a linked partner as superuser (``web_read`` of a Many2one),
        with the address or e-mail a client asks for in the context: for a customer hidden from
        the user, the name alone."""
        asked = {key: False for key in DETAIL_KEYS if self.env.context.get(key)}
        hidden = self._hidden_from_user_behind_superuser() if asked else self.browse()
        if not hidden:
            return super()._compute_display_name()
        res = super(ResPartner, self - hidden)._compute_display_name()
        plain = hidden.with_context(**asked)
        super(ResPartner, plain)._compute_display_name()
        for partner, name_only in zip(hidden, plain, strict=True):
            partner.display_name = name_only.display_name
        return res

    def _hidden_from_user_behind_superuser(self):
        """Managed customers the real user (not the superuser) may not read, when these records
        are read as superuser on that user's behalf."""
        stored = self.filtered("id")  # a new record (onchange) is not hidden
        if not self.env.su or self.env.user._is_superuser() or not stored:
            return self.browse()
        _missing, hidden = stored.sudo(False)._split_missing_and_hidden()
        return self.browse(hidden._managed_customers().ids)
