import base64
import io
import re
import time
import zipfile
from datetime import datetime
from unittest.mock import patch

from openpyxl import Workbook, load_workbook

from odoo import api
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..models import res_partner_import
from ..tools.spreadsheet import cell_text, first_sheet, numbered_rows
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

    def test_rows_are_read_as_a_stream_with_their_numbers(self):
        data = base64.b64decode(
            make_xlsx(
                [
                    ["", "华东新客户", "公司", 13800000001, "021-5555 6666"],
                    [],
                    ["C000001", "Person", "个人", 13900000002.0, 55556666],
                    ["", "Dated", "", datetime(2026, 3, 8, 9, 30), True],
                ]
            )
        )
        with first_sheet(io.BytesIO(data)) as sheet:
            rows = [
                (number, [cell_text(cell) for cell in cells])
                for number, cells in numbered_rows(sheet)
            ]
        self.assertEqual([number for number, _cells in rows], [2, 3, 4, 5], "blank rows count")
        self.assertEqual(rows[0][1][:5], ["", "华东新客户", "公司", "13800000001", "021-5555 6666"])
        self.assertEqual(rows[2][1][3:5], ["13900000002", "55556666"], "numbers typed as numbers")
        self.assertEqual(rows[3][1][3:5], ["2026-03-08 09:30:00", "True"], "a date and a boolean")
        with first_sheet(io.BytesIO(data)) as sheet:
            self.assertEqual([number for number, _cells in numbered_rows(sheet, 4)], [4, 5])

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

    def _run_import_cron(self, out_of_time=False):
        """One run of the import job as the scheduler runs it; ``out_of_time``: its time is up
        after the first chunk."""
        cron = self.env.ref("sales_pipeline.ir_cron_res_partner_import")
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            context = {}
            if out_of_time:
                progress = env["ir.cron.progress"].create({"cron_id": cron.id})
                context = {
                    "ir_cron_progress_id": progress.id,
                    "cron_id": cron.id,
                    "cron_end_time": time.monotonic() - 1,
                }
            env["res.partner.import"].with_context(**context)._cron_process_imports()
        self.env.invalidate_all()

    def _bulk_rows(self, count, owner=""):
        return [
            ["", f"Bulk Customer {n:05d}", "公司", f"150{n:08d}", "", "", "", "", "", owner]
            for n in range(count)
        ]

    def _notifications_to(self, user):
        return self.env["bus.bus"].search(
            [("channel", "like", f'"res.partner",{user.partner_id.id}]')]
        )

    def test_large_file_is_checked_and_imported_in_background_batches(self):
        record = self._import(self.clerk, self._bulk_rows(1200))
        record.action_check()
        self.assertEqual(record.state, "checking", "over 500 rows: the scheduler checks it")
        self.assertFalse(record.line_ids)
        self._run_import_cron()
        self.assertEqual(record.state, "checked")
        self.assertEqual(record.create_count, 1200)
        self.assertIn(
            "is checked: 1200 to create", str(self._notifications_to(self.clerk).mapped("message"))
        )
        record.action_import()
        self.assertEqual(record.state, "running", "over 500 rows: the scheduler imports it")
        self._run_import_cron()
        self.assertEqual(record.state, "done")
        self.assertEqual(record.progress, 100.0)
        imported = self.Partner.search([("name", "=like", "Bulk Customer %")])
        self.assertEqual(len(imported), 1200)
        self.assertEqual(len(set(imported.mapped("customer_code"))), 1200)
        self.assertIn(
            "1200 customers created", str(self._notifications_to(self.clerk).mapped("message"))
        )

    def test_a_check_cut_short_goes_on_where_it_stopped(self):
        """Duplicates in the file and quotas are found across the chunks of a check that the
        scheduler's time limit cut in two."""
        self.set_pool_settings(max_claimed=1050)  # rep A holds one: 1,049 more
        rows = self._bulk_rows(1200, owner="sp_rep_a")
        rows[1100][3] = "150 0000 0000"  # row 1102: the number of row 2, in the second chunk
        record = self._import(self.clerk, rows)
        record.action_check()
        self._run_import_cron(out_of_time=True)
        self.assertEqual(record.state, "checking")
        self.assertEqual(record.checked_row, 1001, "one chunk of 1,000 rows, then time was up")
        self.assertEqual(len(record.line_ids), 1000)
        self.assertTrue(0 < record.progress < 100)
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.env.ref("sales_pipeline.ir_cron_res_partner_import").id)]
            ),
            "the rest is asked for at once",
        )
        self._run_import_cron()
        self.assertEqual(record.state, "checked")
        lines = self._lines(record)
        self.assertEqual(len(lines), 1200)
        self.assertEqual(lines[1102].action, "refused")
        self.assertIn("row 2", lines[1102].reason)
        self.assertEqual(record.create_count, 1049)
        self.assertIn("quota of Rep A", lines[1201].reason)
        self.assertEqual(record.refused_count, 151)

    def test_a_bad_file_found_in_the_background_keeps_no_row(self):
        record = self._import(self.clerk, self._bulk_rows(1200))
        record.action_check()
        with patch.object(res_partner_import, "MAX_ROWS", 1100):  # a file that states fewer rows
            self._run_import_cron()
        self.assertEqual(record.state, "draft")
        self.assertIn("at most 1100 rows", record.check_message)
        self.assertFalse(record.line_ids)
        self.assertIn(
            "at most 1100 rows", str(self._notifications_to(self.clerk).mapped("message"))
        )
        with patch.object(res_partner_import, "MAX_ROWS", 1000):
            with self.assertRaisesRegex(UserError, "at most 1000 rows"):
                record.action_check()  # the size the file states: refused at once

    def test_an_import_runs_with_its_importers_rights_only(self):
        """A rep cannot put an import in another's name, set its progress, or write its rows:
        the background jobs run with the importer's rights and apply the rows the check wrote."""
        own = self._import(self.rep_a, [["", "Mine", "", "", "", "", "", "", "", ""]])
        self.assertEqual(own.user_id, self.rep_a)
        as_rep = self.as_user(self.env["res.partner.import"], self.rep_a)
        forged = as_rep.create(
            {
                "file": make_xlsx([["", "Forged", "", "", "", "", "", "", "", ""]]),
                "user_id": self.manager.id,
                "state": "checked",
            }
        )
        self.assertEqual((forged.user_id, forged.state), (self.rep_a, "draft"))
        mine = self.as_user(own, self.rep_a)
        for vals in (
            {"user_id": self.manager.id},
            {"state": "running"},
            {"checked_row": 5},
            {"report_file": base64.b64encode(b"x")},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
        mine.action_check()
        with self.assertRaisesRegex(UserError, "cannot be replaced"):
            mine.write(
                {"file": make_xlsx([["", "Swapped", "", "", "", "", "", "", "", "sp_rep_b"]])}
            )
        Line = self.as_user(self.env["res.partner.import.line"], self.rep_a)
        with self.assertRaises(AccessError):
            Line.create(
                {
                    "import_id": own.id,
                    "row": 9,
                    "action": "update",
                    "partner_id": self.existing.id,
                    "values": {"user_id": self.rep_a.id},
                }
            )
        with self.assertRaises(AccessError):
            mine.line_ids.write({"action": "update", "partner_id": self.existing.id})
        with self.assertRaises(AccessError):
            mine.line_ids.unlink()
        self.assertEqual(mine.line_ids.action, "create")

    def test_a_managers_click_checks_with_the_importers_rights(self):
        record = self._import(
            self.rep_a, [["", "For Rep B", "", "", "", "", "", "", "", "sp_rep_b"]]
        )
        self.as_user(record, self.manager).action_check()
        self.assertEqual(record.line_ids.action, "refused", "rep A may not import for rep B")

    def test_a_rep_gives_no_premium_grade_through_an_import(self):
        premium = self.env.ref("sales_pipeline.res_partner_value_grade_a")
        header = ["客户名称", "手机", "价值等级"]
        record = self._import(
            self.rep_a, [["Premium By Import", "13900000040", premium.name]], header
        )
        record.action_check()
        record.action_import()
        self.assertEqual((record.line_ids.state, record.line_ids.action), ("failed", "refused"))
        self.assertIn("premium value grade", record.line_ids.reason)
        self.assertFalse(self.Partner.search([("name", "=", "Premium By Import")]))
        with self.assertRaisesRegex(AccessError, "premium value grade"):  # by hand, by a default
            self.as_user(self.Partner, self.rep_a).with_context(
                default_value_grade_id=premium.id
            ).create({"name": "Premium By Default", "is_customer": True, "user_id": self.rep_a.id})
        managers = self._import(
            self.manager, [["Premium By Manager", "13900000041", premium.name]], header
        )
        managers.action_check()
        managers.action_import()
        self.assertEqual(
            self.Partner.search([("name", "=", "Premium By Manager")]).customer_tier, "premium"
        )

    def test_defaults_from_the_client_or_the_user_make_no_contact_of_another_customer(self):
        pool_customer = self.make_customer("Pool Parent Co")
        rows = [["", "Defaulted Child", "", "13900000050", "", "", "", "", "", ""]]
        record = self._import(self.rep_a, rows)
        record.action_check()
        self.as_user(record, self.rep_a).with_context(
            default_parent_id=pool_customer.id, default_user_id=self.rep_b.id
        ).action_import()
        created = self.Partner.search([("name", "=", "Defaulted Child")])
        self.assertEqual((created.parent_id, created.user_id), (self.Partner, self.rep_a))
        self.env["ir.default"].set(
            "res.partner", "parent_id", pool_customer.id, user_id=self.rep_a.id
        )
        record = self._import(self.rep_a, [["", "User Defaulted", "", "13900000051"]])
        record.action_check()
        record.action_import()
        created = self.Partner.search([("name", "=", "User Defaulted")])
        self.assertEqual(
            (created.parent_id, created.commercial_partner_id), (self.Partner, created)
        )

    def test_import_process_fields_take_no_default_from_the_client(self):
        record = (
            self.as_user(self.env["res.partner.import"], self.rep_a)
            .with_context(
                default_state="checked", default_checked_row=50, default_check_message="forged"
            )
            .create({"file": make_xlsx([["", "X", "", "", "", "", "", "", "", ""]])})
        )
        self.assertEqual(
            (record.state, record.checked_row, record.check_message), ("draft", 0, False)
        )
        self.env["ir.default"].set("res.partner.import", "state", "running", user_id=self.rep_a.id)
        record = self.as_user(self.env["res.partner.import"], self.rep_a).create(
            {"file": make_xlsx([["", "X", "", "", "", "", "", "", "", ""]])}
        )
        self.assertEqual(record.state, "draft")

    def test_the_files_of_an_import_are_written_by_the_import_only(self):
        record = self._import(self.rep_a, [["", "File Owner Co", "", "", "", "", "", "", "", ""]])
        record.action_check()
        record.action_download_report()
        Attachment = self.as_user(self.env["ir.attachment"], self.rep_a)
        files = Attachment.search(
            [
                ("res_model", "=", "res.partner.import"),
                ("res_id", "=", record.id),
                ("res_field", "in", ["file", "report_file"]),
            ]
        )
        self.assertEqual(set(files.mapped("res_field")), {"file", "report_file"}, "readable")
        forged = make_xlsx([["", "Swapped In", "", "", "", "", "", "", "", "sp_rep_b"]])
        with self.assertRaises(AccessError):
            files.write({"datas": forged})
        with self.assertRaises(AccessError):
            files.unlink()
        for field in ("file", "report_file"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                Attachment.create(
                    {
                        "name": "forged.xlsx",
                        "datas": forged,
                        "res_model": "res.partner.import",
                        "res_id": record.id,
                        "res_field": field,
                    }
                )
        own = Attachment.create(
            {
                "name": "mine.xlsx",
                "datas": forged,
                "res_model": "res.partner.import",
                "res_id": record.id,
            }
        )
        with self.assertRaises(AccessError):
            own.write({"res_field": "file"})
        with self.assertRaises(AccessError):
            self.as_user(record, self.rep_a).write({"report_filename": "../../web/session/logout"})
        record.sudo().report_filename = "a/../b ?.xlsx"
        self.assertTrue(
            record.action_download_report()["url"].endswith(
                "/report_file/a%2F..%2Fb%20%3F.xlsx?download=true"
            )
        )
        self.as_user(record, self.rep_a).unlink()  # deleting the import deletes its files
        self.assertFalse(files.exists())

    def test_a_salesperson_is_named_by_login_first_and_never_ambiguously(self):
        self.rep_b.name = "sp_rep_a"  # after a colleague's login
        rows = [["", "For Rep A By Login", "", "", "", "", "", "", "", "sp_rep_a"]]
        record = self._import(self.clerk, rows)
        record.action_check()
        self.assertEqual(record.line_ids.values["user_id"], self.rep_a.id)
        self.rep_b.name = self.rep_a.name  # and then their name
        record = self._import(self.clerk, [["", "Ambiguous", "", "", "", "", "", "", "", "Rep A"]])
        record.action_check()
        self.assertEqual(record.line_ids.action, "refused")
        self.assertIn("Several salespeople are named Rep A", record.line_ids.reason)

    def test_a_contacts_number_does_not_rename_its_company(self):
        company = self.make_customer("Contact Holder Co", owner=self.rep_a)
        self.Partner.create(
            {"name": "Buyer Zhao", "parent_id": company.id, "mobile": "13700000077"}
        )
        record = self._import(
            self.rep_a, [["", "Buyer Zhao", "个人", "13700000077", "", "", "", "", "", ""]]
        )
        record.action_check()
        self.assertEqual(record.line_ids.action, "refused")
        self.assertIn(f"a contact of customer {company.customer_code}", record.line_ids.reason)
        self.assertEqual((company.name, company.is_company), ("Contact Holder Co", True))

    def test_an_empty_type_keeps_the_type_of_an_existing_customer(self):
        person = self.make_customer(
            "Person Li", owner=self.rep_a, is_company=False, mobile="13700000088"
        )
        record = self._import(
            self.rep_a, [["", "Person Li Renamed", "", "13700000088", "", "", "", "", "", ""]]
        )
        record.action_check()
        self.assertEqual(record.line_ids.values, {"name": "Person Li Renamed"})
        record.action_import()
        self.assertEqual((person.name, person.is_company), ("Person Li Renamed", False))

    def _with_stated_size(self, data, size_ref):
        """The .xlsx ``data`` (base64) with the size its sheet states changed to ``size_ref``."""
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(base64.b64decode(data))) as source,
            zipfile.ZipFile(buffer, "w") as target,
        ):
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    content = re.sub(
                        rb'<dimension ref="[^"]*"', f'<dimension ref="{size_ref}"'.encode(), content
                    )
                target.writestr(item, content)
        return base64.b64encode(buffer.getvalue())

    def test_rows_past_the_size_a_file_states_are_read(self):
        """Some writers leave a stale size: every row is read, and a file that states a small
        size but holds more than a chunk is checked by the scheduler past its first chunk."""
        record = (
            self.env["res.partner.import"]
            .with_user(self.clerk)
            .create(
                {
                    "file": self._with_stated_size(self._bulk_rows_file(1200), "A1:J2"),
                    "filename": "s.xlsx",
                }
            )
        )
        record.action_check()
        self.assertEqual((record.state, len(record.line_ids)), ("checking", 1000))
        self._run_import_cron()
        self.assertEqual((record.state, len(record.line_ids)), ("checked", 1200))

    def test_an_import_keeps_one_file_and_one_report(self):
        """Routes that copy an attachment as superuser (the HTML editor's image copy) cannot put a
        second file or report on an import; a report the import did not build is rebuilt."""
        record = self._import(self.rep_a, [["", "One File Co", "", "", "", "", "", "", "", ""]])
        forged = make_xlsx([["", "Forged", "", "", "", "", "", "", "", ""]])
        Attachment = self.env["ir.attachment"].sudo()
        target = {"res_model": "res.partner.import", "res_id": record.id}
        with self.assertRaises(AccessError):
            Attachment.create({"name": "f.xlsx", "datas": forged, "res_field": "file", **target})
        Attachment.create({"name": "r.xlsx", "datas": forged, "res_field": "report_file", **target})
        with self.assertRaises(AccessError):
            Attachment.create(
                {"name": "r.xlsx", "datas": forged, "res_field": "report_file", **target}
            )
        record.action_check()
        record.sudo().report_file = forged  # planted after the check
        record.action_download_report()
        report = load_workbook(io.BytesIO(base64.b64decode(record.report_file)))
        self.assertEqual(list(report.active.iter_rows(values_only=True))[1][1], "One File Co")

    def test_a_file_changed_during_the_check_stops_it(self):
        record = self._import(self.clerk, self._bulk_rows(1200))
        record.action_check()
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", "res.partner.import"),
                ("res_id", "=", record.id),
                ("res_field", "=", "file"),
            ]
        ).datas = make_xlsx([["", "Swapped", "", "", "", "", "", "", "", ""]])
        self._run_import_cron()
        self.assertEqual(record.state, "draft")
        self.assertIn("file changed", record.check_message)
        self.assertFalse(record.line_ids)

    def test_a_report_name_holds_no_path(self):
        record = self._import(self.clerk, [["", "Slash Co", "", "", "", "", "", "", "", ""]])
        record.filename = "a/b\\c.xlsx"
        record.action_check()
        self.assertTrue(
            record.action_download_report()["url"].endswith("/a_b_c-report.xlsx?download=true")
        )

    def _bulk_rows_file(self, count):
        return make_xlsx(self._bulk_rows(count))


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
