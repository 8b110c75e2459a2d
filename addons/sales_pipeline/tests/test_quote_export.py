import base64
import io

import docx
from openpyxl import Workbook, load_workbook

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestQuoteExport(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.order.discount.rule"].search([]).active = False
        cls.customer = cls.make_customer(
            "导出测试客户有限公司", owner=cls.rep_a, phone="021-12345678"
        )
        tax = cls.env["account.tax"].create(
            {"name": "VAT 13%", "amount": 13, "type_tax_use": "sale"}
        )
        cls.pump = cls.env["product.product"].create({"name": "Pump P-100", "list_price": 1000})
        cls.valve = cls.env["product.product"].create({"name": "Valve V-20", "list_price": 250})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.rep_a.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.pump.id,
                            "product_uom_qty": 2,
                            "price_unit": 1000,
                            "discount": 10,
                            "tax_ids": [(6, 0, tax.ids)],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "product_id": cls.valve.id,
                            "product_uom_qty": 4,
                            "price_unit": 250,
                            "discount": 0,
                            "tax_ids": [(6, 0, tax.ids)],
                        },
                    ),
                ],
            }
        )

    def _download(self, action):
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        return self.env["ir.attachment"].browse(attachment_id).raw

    def test_excel_export_values(self):
        content = self._download(self.order.with_user(self.rep_a).action_export_xlsx())
        sheet = load_workbook(io.BytesIO(content)).active
        cells = {cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None}
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertIn(self.order.name, cells)
        self.assertIn("导出测试客户有限公司", cells)
        self.assertIn(self.customer.customer_code, cells)
        pump_row = next(row for row in rows if "Pump P-100" in row)
        valve_row = next(row for row in rows if "Valve V-20" in row)
        self.assertEqual(pump_row[0], 1)
        self.assertEqual(pump_row[2:6], [2, "Units", 1000, 10])
        self.assertAlmostEqual(pump_row[7], 1800.0)
        self.assertAlmostEqual(pump_row[8], 2034.0)
        self.assertAlmostEqual(valve_row[7], 1000.0)
        self.assertIn(2800.0, cells)  # untaxed
        self.assertIn(364.0, cells)  # tax
        self.assertIn(3164.0, cells)  # total
        self.assertIn(self.order.currency_id.name, cells)
        self.assertFalse(
            any(isinstance(c, str) and "{{" in c for c in cells), "every placeholder filled"
        )

    def test_word_export_values(self):
        content = self._download(self.order.with_user(self.rep_a).action_export_docx())
        document = docx.Document(io.BytesIO(content))
        text = "\n".join(p.text for p in document.paragraphs)
        line_table = document.tables[1]
        rows = [[cell.text for cell in row.cells] for row in line_table.rows]
        self.assertEqual(len(rows), 3, "header and one row per product line")
        self.assertEqual(rows[1][1], "Pump P-100")
        self.assertEqual(rows[1][7], "1,800.00")
        self.assertEqual(rows[2][1], "Valve V-20")
        self.assertIn("总计：3,164.00", text)
        header = " ".join(cell.text for row in document.tables[0].rows for cell in row.cells)
        self.assertIn(self.order.name, header)
        self.assertIn("导出测试客户有限公司", header)
        self.assertNotIn("{{", text + header)

    def test_export_is_attached_to_the_quotation(self):
        self.order.with_user(self.rep_a).action_export_xlsx()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        )
        self.assertEqual(attachment.name, f"{self.order.name}.xlsx")

    def _custom_xlsx(self, rows):
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return base64.b64encode(buffer.getvalue())

    def test_custom_template_with_placeholders(self):
        template = self.env["sale.order.export.template"].create(
            {
                "name": "Custom",
                "file_type": "xlsx",
                "file": self._custom_xlsx(
                    [
                        ["Quote {{order.name}} for {{customer.name}}"],
                        ["{{line.product}}", "{{line.quantity}}", "{{line.subtotal}}"],
                        ["Total", "{{order.total}}"],
                    ]
                ),
            }
        )
        content = template._render(self.order)
        rows = [
            [c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()
        ]
        self.assertEqual(rows[0][0], f"Quote {self.order.name} for 导出测试客户有限公司")
        self.assertEqual(rows[1], ["Pump P-100", 2, 1800.0])
        self.assertEqual(rows[2], ["Valve V-20", 4, 1000.0])
        self.assertEqual(rows[3][:2], ["Total", 3164.0])

    def test_unknown_placeholder_is_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, r"unknown placeholders: \{\{order.price\}\}"):
            self.env["sale.order.export.template"].create(
                {
                    "name": "Bad",
                    "file_type": "xlsx",
                    "file": self._custom_xlsx([["{{order.price}}"]]),
                }
            )
        with self.assertRaisesRegex(ValidationError, "not a valid"):
            self.env["sale.order.export.template"].create(
                {
                    "name": "Not Excel",
                    "file_type": "xlsx",
                    "file": base64.b64encode(b"plain text"),
                }
            )
        self.assertFalse(
            self.env["sale.order.export.template"].search([("name", "in", ("Bad", "Not Excel"))])
        )

    def test_no_template_gives_a_clear_error(self):
        self.env["sale.order.export.template"].search([("file_type", "=", "docx")]).active = False
        with self.assertRaisesRegex(UserError, "no quotation template"):
            self.order.action_export_docx()

    def test_shipped_templates_exist_in_chinese(self):
        templates = self.env["sale.order.export.template"].search([])
        self.assertEqual(set(templates.mapped("file_type")), {"xlsx", "docx"})
        sheet = load_workbook(
            io.BytesIO(
                base64.b64decode(templates.filtered(lambda t: t.file_type == "xlsx")[:1].file)
            )
        ).active
        labels = {c.value for row in sheet.iter_rows() for c in row}
        self.assertTrue({"报价单号", "客户名称", "产品", "单价", "总计"} <= labels)
