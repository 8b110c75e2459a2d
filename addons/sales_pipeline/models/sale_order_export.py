from odoo import models
from odoo.exceptions import UserError

from .sale_order_export_template import MIME_TYPES


class SaleOrder(models.Model):
    _inherit = "sale.order"

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
        self._check_approved_to_leave()  # an exported file goes to the customer
        template = template or self._get_export_template(file_type)
        content = template._render(self)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}.{file_type}",
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": MIME_TYPES[file_type],
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _get_export_template(self, file_type):
        template = self.env["sale.order.export.template"].search(
            [
                ("file_type", "=", file_type),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            order="company_id, sequence, id",
            limit=1,
        )
        if not template:
            raise UserError(
                self.env._(
                    "There is no quotation template for %s files: upload one first.", file_type
                )
            )
        return template
