import logging

import psycopg2

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.partner_bulk_insert import can_insert_customers, insert_customers

_logger = logging.getLogger(__name__)

# What refuses one row without stopping the import.
ROW_ERRORS = (UserError, ValidationError, AccessError, ValueError, psycopg2.Error)

IMPORT_ACTIONS = [
    ("create", "Create"),
    ("update", "Update"),
    ("unchanged", "Unchanged"),
    ("refused", "Refused"),
]


class ResPartnerImportLine(models.Model):
    """One row of an import file and what the import does with it."""

    _name = "res.partner.import.line"
    _description = "Customer Import Row"
    _order = "import_id, row"

    import_id = fields.Many2one(
        comodel_name="res.partner.import",
        required=True,
        index=True,
        ondelete="cascade",
    )
    row = fields.Integer(required=True)
    name = fields.Char(string="Customer")
    action = fields.Selection(selection=IMPORT_ACTIONS, required=True)
    reason = fields.Char()
    values = fields.Json()
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer Record",
        ondelete="set null",
    )
    state = fields.Selection(
        selection=[("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
    )
    # [kind, key] pairs of the row's numbers and WeChat account: a check that goes on in a later
    # run finds the rows before by them
    match_keys = fields.Json()

    _pending_rows_idx = models.Index("(import_id, row) WHERE state = 'pending'")

    def _import_batch(self):
        """Apply these rows as the importing user: create and update customers, skip the rest."""
        to_create = self.filtered(lambda line: line.action == "create")
        to_update = self.filtered(lambda line: line.action == "update")
        (self - to_create - to_update).sudo().write({"state": "done"})
        to_create._create_customers()
        for line in to_update:
            line._apply(lambda line: line.partner_id.write(line.values))

    def _create_customers(self):
        if not self:
            return
        Partner = self.env["res.partner"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        try:
            with self.env.cr.savepoint():
                partners = self._create_partners(Partner, [line.values for line in self])
        except ROW_ERRORS:
            # one bad row must not cost the others: retry row by row
            for line in self:
                line._apply(
                    lambda line: line.sudo().write(
                        {"partner_id": Partner.create(self._top_level(line.values)).id}
                    )
                )
            return
        self._mark_done(partners)

    @staticmethod
    def _create_partners(partners, vals_list):
        """One INSERT per batch where it writes what create() would (partner_bulk_insert), else
        create()."""
        if can_insert_customers(partners, {name for vals in vals_list for name in vals}):
            return insert_customers(partners, vals_list)
        return partners.create([ResPartnerImportLine._top_level(vals) for vals in vals_list])

    @staticmethod
    def _top_level(vals):
        """A row makes a customer, never a contact of another one, whatever the defaults."""
        return dict(vals, parent_id=False)

    def _mark_done(self, partners):
        """Record the created customers on their rows, in one statement (imports hold thousands)."""
        self.env.cr.execute(
            SQL(
                """
            UPDATE res_partner_import_line line
               SET partner_id = v.partner_id, state = 'done', write_uid = %s,
                   write_date = now() at time zone 'UTC'
              FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::int[]) AS partner_id) v
             WHERE line.id = v.id
            """,
                self.env.uid,
                self.ids,
                partners.ids,
            )
        )
        self.invalidate_recordset(["partner_id", "state", "write_uid", "write_date"])
        self.import_id.invalidate_recordset()

    def _apply(self, operation):
        """Run ``operation`` on this row in a savepoint; a failure refuses the row and changes
        nothing."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                operation(self)
        except ROW_ERRORS as error:
            _logger.info("Customer import row %s refused: %s", self.row, error)
            self.sudo().write({"state": "failed", "action": "refused", "reason": str(error)[:500]})
        else:
            self.sudo().write({"state": "done"})
