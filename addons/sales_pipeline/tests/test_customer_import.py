import base64
import io
from datetime import datetime

from openpyxl import Workbook, load_workbook

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from ..tools.spreadsheet import cell_text, openpyxl_rows, xlrd_rows
from .common import SalesPipelineCase

HEADER = ("客户编号", "客户名称*", "类型", "手机", "电话", "微信", "城市", "区域", "来源", "负责人")


def make_xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return base64.b64encode(buffer.getvalue())


@tagged("post_install", "-at_install")
class TestCustomerImport(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # entered by the clerk for rep A: the clerk may still update it
        cls.existing = (
            cls.env["res.partner"]
            .with_user(cls.clerk)
            .create(
                {
                    "name": "Existing Import Co",
                    "is_customer": True,
                    "user_id": cls.rep_a.id,
                    "mobile": "13600000001",
                }
            )
        )
        cls.foreign = cls.make_customer(
            "Other Rep Co", owner=cls.rep_b, mobile="13600000002", protected=True
        )

    def _import(self, user, rows, header=HEADER):
        return (
            self.env["res.partner.import"]
            .with_user(user)
            .create(
                {
                    "file": make_xlsx(rows, header),
                    "filename": "customers.xlsx",
                }
            )
        )

    def _lines(self, record):
        return {line.row: line for line in record.line_ids}

    def _mixed_rows(self):
        return [
            [
                "",
                "华东新客户",
                "公司",
                "13800000001",
                "",
                "",
                "上海",
                "East China",
                "",
                "",
            ],  # 2: create (pool)
            ["", "", "公司", "13800000002", "", "", "", "", "", ""],  # 3: no name
            ["", "Bad Phone Co", "公司", "12345", "", "", "", "", "", ""],  # 4: bad mobile
            ["", "Unknown Region Co", "", "", "", "", "", "Atlantis", "", ""],  # 5: unknown region
            [
                "",
                "Dup Of Visible",
                "公司",
                "136-0000-0001",
                "",
                "",
                "",
                "",
                "",
                "",
            ],  # 6: update existing
            [
                "",
                "Dup Of Hidden",
                "公司",
                "13600000002",
                "",
                "",
                "",
                "",
                "",
                "",
            ],  # 7: refused duplicate
            [
                "",
                "Same As Row 2",
                "公司",
                "138 0000 0001",
                "",
                "",
                "",
                "",
                "",
                "",
            ],  # 8: same as row 2
            [
                "",
                "个人客户",
                "个人",
                "",
                "021-55556666",
                "wx_person",
                "",
                "",
                "Referral",
                "sp_rep_b",
            ],  # 9: create for rep B
            ["C999999", "Unknown Code", "", "", "", "", "", "", "", ""],  # 10: unknown code
            ["", "Ghost Owner Co", "", "", "", "", "", "", "", "nobody"],  # 11: unknown owner
        ]

    def test_dry_run_reports_each_row_and_writes_no_customer(self):
        partners_before = self.Partner.search_count([])
        record = self._import(self.clerk, self._mixed_rows())
        record.action_check()
        self.assertEqual(self.Partner.search_count([]), partners_before)
        lines = self._lines(record)
        expected = {
            2: "create",
            3: "refused",
            4: "refused",
            5: "refused",
            6: "update",
            7: "refused",
            8: "refused",
            9: "create",
            10: "refused",
            11: "refused",
        }
        self.assertEqual({row: line.action for row, line in lines.items()}, expected)
        self.assertIn("name is missing", lines[3].reason)
        self.assertIn("Bad mobile", lines[4].reason)
        self.assertIn("Atlantis", lines[5].reason)
        self.assertEqual(lines[6].partner_id, self.existing)
        self.assertIn("cannot see", lines[7].reason)
        self.assertNotIn("Rep B", lines[7].reason)
        self.assertNotIn(self.foreign.customer_code, lines[7].reason)
        self.assertFalse(lines[7].partner_id, "nothing of a hidden customer is shown")
        self.assertIn("row 2", lines[8].reason)
        self.assertIn("C999999", lines[10].reason)
        self.assertIn("nobody", lines[11].reason)
        self.assertEqual(
            (record.create_count, record.update_count, record.refused_count), (2, 1, 7)
        )

    def test_import_lands_only_the_good_rows(self):
        record = self._import(self.clerk, self._mixed_rows())
        record.action_check()
        record.action_import()
        self.assertEqual(record.state, "done")
        created = self.Partner.search([("name", "in", ("华东新客户", "个人客户"))])
        self.assertEqual(len(created), 2)
        pooled = created.filtered(lambda p: p.name == "华东新客户")
        self.assertEqual(pooled.pool_state, "pool")
        self.assertEqual(pooled.region_id, self.env.ref("sales_pipeline.res_partner_region_east"))
        self.assertEqual(pooled.source_id, self.env.ref("sales_pipeline.res_partner_source_import"))
        self.assertTrue(pooled.customer_code)
        person = created - pooled
        self.assertEqual(
            (person.user_id, person.is_company, person.wechat_id), (self.rep_b, False, "wx_person")
        )
        self.assertEqual(self.existing.name, "Dup Of Visible")
        for name in (
            "Bad Phone Co",
            "Unknown Region Co",
            "Dup Of Hidden",
            "Same As Row 2",
            "Unknown Code",
            "Ghost Owner Co",
        ):
            self.assertFalse(self.Partner.search([("name", "=", name)]), name)
        self.assertEqual(self.foreign.name, "Other Rep Co")

    def test_reimport_is_idempotent(self):
        rows = [
            ["", "Idem One", "公司", "13500000001", "", "", "", "", "", ""],
            ["", "Idem Two", "公司", "13500000002", "", "", "", "", "", ""],
        ]
        first = self._import(self.clerk, rows)
        first.action_check()
        first.action_import()
        count = self.Partner.search_count([("name", "like", "Idem ")])
        second = self._import(self.clerk, rows)
        second.action_check()
        self.assertEqual(set(second.line_ids.mapped("action")), {"unchanged"})
        second.action_import() if second.create_count or second.update_count else None
        self.assertEqual(self.Partner.search_count([("name", "like", "Idem ")]), count)

    def test_duplicate_of_a_customer_the_importer_may_not_change_is_refused(self):
        rows = [["", "Taken Over", "", "13600000001", "", "", "", "", "", ""]]
        self.Partner.browse(self.existing.id).share_with(self.rep_b, access="read")
        record = self._import(self.rep_b, rows)
        record.action_check()
        self.assertEqual(record.line_ids.action, "refused")
        self.assertIn(
            f"customer {self.existing.customer_code}, which you may not change (owner: Rep A)",
            record.line_ids.reason,
        )
        self.assertEqual(record.line_ids.partner_id, self.existing)

    def test_update_by_customer_number(self):
        rows = [
            [
                self.existing.customer_code,
                "Renamed By Code",
                "",
                "",
                "0571-88886666",
                "",
                "",
                "",
                "",
                "",
            ]
        ]
        record = self._import(self.rep_a, rows)
        record.action_check()
        self.assertEqual(record.line_ids.action, "update")
        record.action_import()
        self.assertEqual(
            (self.existing.name, self.existing.phone), ("Renamed By Code", "0571-88886666")
        )

    def test_rep_imports_only_for_themselves(self):
        rows = [
            ["", "Mine By Default", "", "", "", "", "", "", "", ""],
            ["", "For Rep B", "", "", "", "", "", "", "", "sp_rep_b"],
        ]
        record = self._import(self.rep_a, rows)
        record.action_check()
        lines = self._lines(record)
        self.assertEqual(lines[2].action, "create")
        self.assertEqual(lines[3].action, "refused")
        record.action_import()
        self.assertEqual(
            self.Partner.search([("name", "=", "Mine By Default")]).user_id, self.rep_a
        )
        self.assertFalse(self.Partner.search([("name", "=", "For Rep B")]))

    def test_quota_refuses_rows_over_the_limit(self):
        self.set_pool_settings(max_claimed=2)  # rep A already holds one
        rows = [["", f"Quota Row {n}", "", "", "", "", "", "", "", "sp_rep_a"] for n in range(3)]
        record = self._import(self.clerk, rows)
        record.action_check()
        self.assertEqual(record.line_ids.mapped("action"), ["create", "refused", "refused"])
        self.assertIn("quota of Rep A", record.line_ids[1].reason)

    def test_english_headers_and_report_file(self):
        header = ["Customer Name", "Mobile", "Region"]
        record = self._import(
            self.clerk, [["English Co", "13300000009", "South China"], ["Bad", "1", ""]], header
        )
        record.action_check()
        self.assertFalse(record.report_file, "built when asked for")
        record.action_download_report()
        report = load_workbook(io.BytesIO(base64.b64decode(record.report_file)))
        rows = list(report.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("Row", "Customer", "Action"))
        self.assertEqual(rows[1][:3], (2, "English Co", "Create"))
        self.assertEqual(rows[2][2], "Refused")
        self.assertIn("Bad mobile", rows[2][3])

    def test_bad_files_are_refused_clearly(self):
        not_excel = (
            self.env["res.partner.import"]
            .with_user(self.clerk)
            .create(
                {
                    "file": base64.b64encode(b"name,mobile\nx,1"),
                    "filename": "x.csv",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "cannot be read"):
            not_excel.action_check()
        no_name = self._import(self.clerk, [["x"]], header=["Whatever"])
        with self.assertRaisesRegex(UserError, "客户名称"):
            no_name.action_check()
        empty = self._import(self.clerk, [])
        with self.assertRaisesRegex(UserError, "no customer rows"):
            empty.action_check()
        self.assertFalse(not_excel.line_ids | no_name.line_ids | empty.line_ids)

    def test_both_excel_readers_read_the_same_cells(self):
        """xlrd (used where it reads .xlsx, as base_import does) and openpyxl (elsewhere) agree."""
        data = base64.b64decode(
            make_xlsx(
                [
                    [
                        "",
                        "华东新客户",
                        "公司",
                        13800000001,
                        "021-5555 6666",
                        None,
                        "上海",
                        "East China",
                        "",
                        "",
                    ],
                    [
                        "C000001",
                        "Person",
                        "个人",
                        13900000002.0,
                        55556666,
                        "wx_1",
                        "",
                        "",
                        "Referral",
                        "sp_rep_b",
                    ],
                    ["", "Dated", "", "", "", "", datetime(2026, 3, 8, 9, 30), True, "", ""],
                ]
            )
        )

        def texts(rows):
            return [[cell_text(cell) for cell in row] for row in rows]

        by_xlrd, by_openpyxl = texts(xlrd_rows(data)), texts(openpyxl_rows(data))
        self.assertEqual(by_xlrd, by_openpyxl)
        self.assertEqual(by_xlrd[1][:5], ["", "华东新客户", "公司", "13800000001", "021-5555 6666"])
        self.assertEqual(by_xlrd[2][3:5], ["13900000002", "55556666"], "numbers typed as numbers")
        self.assertEqual(by_xlrd[3][6:8], ["2026-03-08 09:30:00", "True"], "a date and a boolean")

    def test_import_needs_a_check_first(self):
        record = self._import(self.clerk, [["", "Unchecked", "", "", "", "", "", "", "", ""]])
        with self.assertRaisesRegex(UserError, "Check the file"):
            record.action_import()

    def test_other_users_cannot_see_my_import(self):
        record = self._import(self.clerk, [["", "Private Row", "", "", "", "", "", "", "", ""]])
        self.assertFalse(
            self.as_user(self.env["res.partner.import"], self.rep_a).search(
                [("id", "=", record.id)]
            )
        )
        self.assertTrue(
            self.as_user(self.env["res.partner.import"], self.manager).search(
                [("id", "=", record.id)]
            )
        )

    def test_large_file_imports_in_background_batches(self):
        rows = [
            ["", f"Bulk Customer {n:05d}", "公司", f"150{n:08d}", "", "", "", "", "", ""]
            for n in range(1200)
        ]
        record = self._import(self.clerk, rows)
        record.action_check()
        self.assertEqual(record.create_count, 1200)
        record.action_import()
        self.assertEqual(record.state, "running", "over 500 rows: the scheduler takes it")
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["res.partner.import"]._cron_process_imports()
        self.env.invalidate_all()
        self.assertEqual(record.state, "done")
        self.assertEqual(record.progress, 100.0)
        self.assertEqual(self.Partner.search_count([("name", "=like", "Bulk Customer %")]), 1200)
        self.assertEqual(
            len(
                set(
                    self.Partner.search([("name", "=like", "Bulk Customer %")]).mapped(
                        "customer_code"
                    )
                )
            ),
            1200,
        )


@tagged("post_install", "-at_install")
class TestCustomerImportTemplate(HttpCase):
    def test_template_downloads_with_chinese_headers(self):
        self.authenticate("admin", "admin")
        response = self.url_open("/sales_pipeline/customer_import/template")
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(response.content))
        header = [cell.value for cell in workbook.worksheets[0][1]]
        self.assertEqual(header[:3], ["客户编号", "客户名称*", "类型"])
        self.assertIn("说明", workbook.sheetnames)

    def test_template_needs_a_login(self):
        response = self.url_open("/sales_pipeline/customer_import/template", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
