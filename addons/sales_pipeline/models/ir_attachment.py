from odoo import api, models
from odoo.exceptions import AccessError

from .res_partner_import import FILE_FIELDS

IMPORT_MODEL = "res.partner.import"


class IrAttachment(models.Model):
    """The file a customer import checks and the report it writes are its field attachments:
    only the import writes them (its own writes are sudo), so that the file checked is the file
    uploaded and the report is the import's."""

    _inherit = "ir.attachment"

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or operation == "read":
            return result
        forbidden = result[0] if result else self.browse()
        import_files = self.browse(
            attachment.id
            for attachment in self.sudo()
            if attachment.res_model == IMPORT_MODEL and attachment.res_field in FILE_FIELDS
        )
        if not import_files - forbidden:
            return result
        return forbidden | import_files, self._import_file_error

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        # even as superuser (routes copy attachments with sudo): an import has one file and one
        # report, which its own field writes update in place
        attachments._check_one_file_per_import()
        return attachments

    def write(self, vals):
        if not self.env.su and self._moves_to_an_import_file(vals):
            raise self._import_file_error()
        result = super().write(vals)
        if {"res_model", "res_id", "res_field"} & vals.keys():
            self._check_one_file_per_import()
        return result

    def _check_one_file_per_import(self):
        targets = {
            (attachment.res_id, attachment.res_field)
            for attachment in self.sudo()
            if attachment.res_model == IMPORT_MODEL and attachment.res_field in FILE_FIELDS
        }
        for res_id, res_field in targets:
            count = self.sudo().search_count(
                [
                    ("res_model", "=", IMPORT_MODEL),
                    ("res_id", "=", res_id),
                    ("res_field", "=", res_field),
                ]
            )
            if count > 1:
                raise self._import_file_error()

    def _moves_to_an_import_file(self, vals):
        if not {"res_model", "res_field"} & vals.keys():
            return False
        return any(
            vals.get("res_model", attachment.res_model) == IMPORT_MODEL
            and vals.get("res_field", attachment.res_field) in FILE_FIELDS
            for attachment in self.sudo()
        )

    def _import_file_error(self):
        return AccessError(
            self.env._("The file and the report of a customer import are written by the import.")
        )
