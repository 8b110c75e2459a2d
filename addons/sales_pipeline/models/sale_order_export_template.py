import base64
import copy
import io
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
LINE_PREFIX = "line."
FILE_TYPES = [("xlsx", "Excel (.xlsx)"), ("docx", "Word (.docx)")]
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class SaleOrderExportTemplate(models.Model):
    """An Excel or Word file a quotation is exported through (报价单导出模板).

    Cells and paragraphs hold placeholders such as ``{{order.name}}``; the
    first table row (Word) or sheet row (Excel) holding ``{{line.…}}``
    placeholders is repeated for each product line.
    """

    _name = "sale.order.export.template"
    _description = "Quotation Export Template"
    _order = "file_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    file_type = fields.Selection(selection=FILE_TYPES, required=True)
    file = fields.Binary(string="Template File", required=True, attachment=True)
    filename = fields.Char()
    company_id = fields.Many2one(comodel_name="res.company", default=lambda self: self.env.company)

    # ------------------------------------------------------------------
    # Placeholders
    # ------------------------------------------------------------------

    @api.model
    def _get_placeholder_help(self):
        return (
            "order.name, order.date, order.validity, order.currency, order.payment_terms, "
            "order.note, order.untaxed, order.tax, order.total, order.salesperson, customer.name, "
            "customer.code, customer.address, customer.phone, customer.mobile, contact.name, "
            "company.name, "
            "company.phone, line.no, line.product, line.description, line.quantity, line.uom, "
            "line.unit_price, line.discount, line.taxes, line.subtotal, line.total"
        )

    @api.model
    def _known_placeholders(self):
        return {name.strip() for name in self._get_placeholder_help().split(",")}

    def _order_values(self, order):
        partner = order.partner_id
        customer = partner.commercial_partner_id
        return {
            "order.name": order.name,
            "order.date": fields.Date.to_string(order.date_order.date())
            if order.date_order
            else "",
            "order.validity": fields.Date.to_string(order.validity_date)
            if order.validity_date
            else "",
            "order.currency": order.currency_id.name,
            "order.payment_terms": order.payment_term_id.name or "",
            "order.note": order.note and re.sub(r"<[^>]+>", "", str(order.note)).strip() or "",
            "order.untaxed": order.amount_untaxed,
            "order.tax": order.amount_tax,
            "order.total": order.amount_total,
            "order.salesperson": order.user_id.name or "",
            "customer.name": customer.name or "",
            "customer.code": customer.customer_code or "",
            "customer.address": customer._display_address(without_company=True)
            .replace("\n", " ")
            .strip(),
            "customer.phone": customer.phone or "",
            "customer.mobile": customer.mobile or "",
            "contact.name": partner.name if partner != customer else "",
            "company.name": order.company_id.name,
            "company.phone": order.company_id.phone or "",
        }

    def _line_values(self, line, number):
        return {
            "line.no": number,
            "line.product": line.product_id.display_name or "",
            "line.description": line.name or "",
            "line.quantity": line.product_uom_qty,
            "line.uom": line.product_uom_id.name or "",
            "line.unit_price": line.price_unit,
            "line.discount": line.discount,
            "line.taxes": ", ".join(line.tax_ids.mapped("name")),
            "line.subtotal": line.price_subtotal,
            "line.total": line.price_total,
        }

    def _check_placeholders(self, texts):
        unknown = {
            name for text in texts for name in PLACEHOLDER.findall(text or "")
        } - self._known_placeholders()
        if unknown:
            raise ValidationError(
                self.env._(
                    "The template %(template)s uses unknown placeholders: %(names)s. Known ones: %(known)s.",  # noqa: E501
                    template=self.name,
                    names=", ".join(sorted("{{%s}}" % name for name in unknown)),
                    known=self._get_placeholder_help(),
                )
            )

    @staticmethod
    def _fill(text, values):
        """``text`` with its placeholders replaced; a cell that is one placeholder keeps the value's
        type."""
        match = PLACEHOLDER.fullmatch((text or "").strip())
        if match:
            return values[match.group(1)]
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _render(self, order):
        """The bytes of ``order`` exported through this template."""
        self.ensure_one()
        content = base64.b64decode(self.file)
        try:
            renderer = self._render_xlsx if self.file_type == "xlsx" else self._render_docx
            return renderer(content, order)
        except UserError:
            raise
        except Exception as error:
            raise UserError(
                self.env._(
                    "The template %(template)s cannot be read as a %(type)s file: %(error)s",
                    template=self.name,
                    type=self.file_type,
                    error=error,
                )
            ) from None

    def _render_xlsx(self, content, order):
        from openpyxl import load_workbook  # noqa: PLC0415

        workbook = load_workbook(io.BytesIO(content))
        self._check_placeholders(
            cell.value
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        )
        values = self._order_values(order)
        lines = order.order_line.filtered(lambda line: not line.display_type)
        for sheet in workbook.worksheets:
            line_row = next(
                (
                    row[0].row
                    for row in sheet.iter_rows()
                    if any(
                        isinstance(c.value, str) and "{{" in c.value and LINE_PREFIX in c.value
                        for c in row
                    )
                ),
                None,
            )
            if line_row:
                template_cells = [
                    (cell.column, cell.value, copy.copy(cell._style)) for cell in sheet[line_row]
                ]
                if len(lines) > 1:
                    sheet.insert_rows(line_row + 1, amount=len(lines) - 1)
                for offset, line in enumerate(lines):
                    line_values = dict(values, **self._line_values(line, offset + 1))
                    for column, value, style in template_cells:
                        cell = sheet.cell(row=line_row + offset, column=column)
                        cell._style = copy.copy(style)
                        cell.value = (
                            self._fill(value, line_values) if isinstance(value, str) else value
                        )
                if not lines:
                    sheet.delete_rows(line_row)
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and "{{" in cell.value:
                        cell.value = self._fill(cell.value, values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def _render_docx(self, content, order):
        import docx  # noqa: PLC0415

        document = docx.Document(io.BytesIO(content))
        paragraphs = list(self._docx_paragraphs(document))
        self._check_placeholders(p.text for p in paragraphs)
        values = self._order_values(order)
        lines = order.order_line.filtered(lambda line: not line.display_type)
        for table in document.tables:
            for row in list(table.rows):
                if LINE_PREFIX not in " ".join(cell.text for cell in row.cells):
                    continue
                for number, line in enumerate(lines, start=1):
                    new_tr = copy.deepcopy(row._tr)
                    row._tr.addprevious(new_tr)
                    line_values = dict(values, **self._line_values(line, number))
                    for paragraph in self._docx_paragraphs_of(new_tr, document):
                        self._fill_paragraph(paragraph, line_values)
                row._tr.getparent().remove(row._tr)
                break
        for paragraph in self._docx_paragraphs(document):
            if "{{" in paragraph.text:
                self._fill_paragraph(paragraph, values)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _docx_paragraphs(document):
        yield from document.paragraphs
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs

    @staticmethod
    def _docx_paragraphs_of(tr, document):
        from docx.text.paragraph import Paragraph  # noqa: PLC0415

        for p in tr.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
            yield Paragraph(p, document)

    def _fill_paragraph(self, paragraph, values):
        text = paragraph.text
        if "{{" not in text:
            return
        filled = PLACEHOLDER.sub(lambda m: self._format_number(values[m.group(1)]), text)
        # Word splits text into runs at will: the first run takes the text (and keeps its style)
        runs = paragraph.runs
        runs[0].text = filled
        for run in runs[1:]:
            run.text = ""

    @staticmethod
    def _format_number(value):
        if isinstance(value, float):
            return f"{value:,.2f}"
        return str(value)

    # ------------------------------------------------------------------
    # Shipped templates
    # ------------------------------------------------------------------

    @api.constrains("file", "file_type")
    def _check_template_file(self):
        for template in self:
            content = base64.b64decode(template.file or b"")
            try:
                if template.file_type == "xlsx":
                    from openpyxl import load_workbook  # noqa: PLC0415

                    workbook = load_workbook(io.BytesIO(content))
                    texts = [
                        c.value
                        for s in workbook.worksheets
                        for r in s.iter_rows()
                        for c in r
                        if isinstance(c.value, str)
                    ]
                else:
                    import docx  # noqa: PLC0415

                    texts = [
                        p.text
                        for p in template._docx_paragraphs(docx.Document(io.BytesIO(content)))
                    ]
            except Exception:
                raise ValidationError(
                    self.env._(
                        "%(name)s is not a valid %(type)s file.",
                        name=template.filename or template.name,
                        type=template.file_type,
                    )
                ) from None
            template._check_placeholders(texts)

    @api.model
    def _install_default_templates(self):
        """Create the Chinese default templates once (an administrator may replace them)."""
        for file_type, name, builder in (
            ("xlsx", "报价单（Excel 默认模板）", self._build_default_xlsx),
            ("docx", "报价单（Word 默认模板）", self._build_default_docx),
        ):
            if not self.with_context(active_test=False).search_count(
                [("file_type", "=", file_type)]
            ):
                self.create(
                    {
                        "name": name,
                        "file_type": file_type,
                        "file": base64.b64encode(builder()),
                        "filename": f"quotation_template.{file_type}",
                        "company_id": False,
                    }
                )

    @api.model
    def _default_header_rows(self):
        return [
            ("报价单号", "{{order.name}}", "报价日期", "{{order.date}}"),
            ("客户名称", "{{customer.name}}", "客户编号", "{{customer.code}}"),
            ("联系人", "{{contact.name}}", "联系电话", "{{customer.phone}}"),
            ("客户地址", "{{customer.address}}", "有效期至", "{{order.validity}}"),
            ("销售员", "{{order.salesperson}}", "付款条件", "{{order.payment_terms}}"),
        ]

    @api.model
    def _default_line_columns(self):
        return [
            ("序号", "{{line.no}}"),
            ("产品", "{{line.product}}"),
            ("数量", "{{line.quantity}}"),
            ("单位", "{{line.uom}}"),
            ("单价", "{{line.unit_price}}"),
            ("折扣%", "{{line.discount}}"),
            ("税", "{{line.taxes}}"),
            ("金额（不含税）", "{{line.subtotal}}"),
            ("金额（含税）", "{{line.total}}"),
        ]

    @api.model
    def _build_default_xlsx(self):
        from openpyxl import Workbook  # noqa: PLC0415
        from openpyxl.styles import Font  # noqa: PLC0415

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "报价单"
        sheet.append(["{{company.name}} 报价单"])
        sheet["A1"].font = Font(bold=True, size=14)
        for row in self._default_header_rows():
            sheet.append(list(row))
        sheet.append([])
        sheet.append([label for label, _value in self._default_line_columns()])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.append([value for _label, value in self._default_line_columns()])
        sheet.append([])
        sheet.append(["", "", "", "", "", "", "不含税合计", "{{order.untaxed}}"])
        sheet.append(["", "", "", "", "", "", "税额", "{{order.tax}}"])
        sheet.append(["", "", "", "", "", "", "总计", "{{order.total}}", "{{order.currency}}"])
        sheet.append(["备注", "{{order.note}}"])
        for letter, width in zip("ABCDEFGHI", (12, 30, 10, 8, 12, 8, 14, 16, 16), strict=True):
            sheet.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @api.model
    def _build_default_docx(self):
        import docx  # noqa: PLC0415

        document = docx.Document()
        document.add_heading("{{company.name}} 报价单", level=1)
        header = document.add_table(rows=0, cols=4)
        for row in self._default_header_rows():
            cells = header.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        document.add_paragraph("")
        columns = self._default_line_columns()
        table = document.add_table(rows=2, cols=len(columns))
        table.style = "Table Grid"
        for index, (label, value) in enumerate(columns):
            table.rows[0].cells[index].text = label
            table.rows[1].cells[index].text = value
        document.add_paragraph("不含税合计：{{order.untaxed}} {{order.currency}}")
        document.add_paragraph("税额：{{order.tax}} {{order.currency}}")
        document.add_paragraph("总计：{{order.total}} {{order.currency}}")
        document.add_paragraph("备注：{{order.note}}")
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
