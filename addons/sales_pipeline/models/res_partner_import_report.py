import base64
import io
import re

from odoo import api, models

from .res_partner_import import COLUMNS, LIST_COLUMNS


class ResPartnerImport(models.Model):
    _inherit = "res.partner.import"

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------

    def _write_report(self):
        """The per-row report as an .xlsx file on the import."""
        from openpyxl import Workbook  # noqa: PLC0415

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.env._("Report")
        sheet.append(
            [
                self.env._("Row"),
                self.env._("Customer"),
                self.env._("Action"),
                self.env._("Reason"),
                self.env._("Customer Number"),
                self.env._("Status"),
            ]
        )
        actions = dict(
            self.env["res.partner.import.line"]._fields["action"]._description_selection(self.env)
        )
        states = dict(
            self.env["res.partner.import.line"]._fields["state"]._description_selection(self.env)
        )
        for line in self.line_ids.sorted("row"):
            sheet.append(
                [
                    line.row,
                    line.name,
                    actions.get(line.action),
                    line.reason or "",
                    line.sudo().partner_id.customer_code or "",
                    states.get(line.state),
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        # no path separator: the name ends the download's URL
        base_name = re.sub(r"[/\\]", "_", (self.filename or "customers").rsplit(".", 1)[0])
        self.sudo().write(
            {
                "report_file": base64.b64encode(buffer.getvalue()),
                "report_filename": f"{base_name}-report.xlsx",
            }
        )

    @api.model
    def _build_template(self):
        """The Excel template with Chinese headers, and the valid values on a second sheet."""
        from openpyxl import Workbook  # noqa: PLC0415
        from openpyxl.styles import Font  # noqa: PLC0415

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "客户"
        sheet.append([f"{zh}*" if key == "name" else zh for key, zh, _en in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 16
        help_sheet = workbook.create_sheet("说明")
        help_sheet.append(["列", "可填写的值"])
        help_sheet.append(["客户编号", "留空 = 新客户；填写已有编号 = 更新该客户"])
        help_sheet.append(["类型", "公司 / 个人（留空 = 公司）"])
        help_sheet.append(
            ["负责人", "销售员的登录名或姓名；留空 = 销售员本人，录入专员/经理留空 = 公海"]
        )
        for column, (_fname, model) in LIST_COLUMNS.items():
            label = next(zh for key, zh, _en in COLUMNS if key == column)
            lang = "zh_CN" if "zh_CN" in self._installed_langs() else self.env.lang
            # all of a settings list (regions, sources...: a few dozen names) for the help sheet
            names = self.env[model].with_context(lang=lang).search([]).mapped("name")  # pylint: disable=no-search-all
            help_sheet.append([label, " / ".join(names)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
