import base64
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.spreadsheet import cell_text, map_header, sheet_rows

# (key, Chinese header of our template, English header); the first row of a
# file may use either.
COLUMNS = (
    ("code", "客户编号", "Customer Number"),
    ("name", "客户名称", "Customer Name"),
    ("company_type", "类型", "Type"),
    ("mobile", "手机", "Mobile"),
    ("phone", "电话", "Phone"),
    ("wechat_id", "微信", "WeChat"),
    ("email", "邮箱", "Email"),
    ("city", "城市", "City"),
    ("street", "地址", "Address"),
    ("region", "区域", "Region"),
    ("industry", "行业", "Industry"),
    ("source", "来源", "Source"),
    ("qualification", "资质", "Qualification"),
    ("value_grade", "价值等级", "Value Grade"),
    ("followup_method", "跟进方式", "Follow-up Method"),
    ("owner", "负责人", "Owner"),
    ("comment", "备注", "Notes"),
)
# Cells that name a record of a settings list: column -> (partner field, model).
LIST_COLUMNS = {
    "region": ("region_id", "res.partner.region"),
    "industry": ("industry_id", "res.partner.industry"),
    "source": ("source_id", "res.partner.source"),
    "qualification": ("qualification_id", "res.partner.qualification"),
    "value_grade": ("value_grade_id", "res.partner.value.grade"),
    "followup_method": ("followup_method_id", "res.partner.followup.method"),
}
# Files up to this many rows import inside the request; larger ones in the background.
IMMEDIATE_ROWS = 500
BATCH_SIZE = 500
MAX_ROWS = 50000


class ResPartnerImport(models.Model):
    """A batch import of customers from Excel (批量导入), checked before it writes."""

    _name = "res.partner.import"
    _description = "Customer Import"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    file = fields.Binary(string="Excel File", required=True, attachment=True)
    filename = fields.Char()
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Imported By",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
        index=True,
    )
    state = fields.Selection(
        selection=[
            ("draft", "To Check"),
            ("checked", "Checked"),
            ("running", "Importing"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    line_ids = fields.One2many(
        comodel_name="res.partner.import.line",
        inverse_name="import_id",
        string="Rows",
        readonly=True,
    )
    total_count = fields.Integer(string="Total Rows", compute="_compute_counts")
    create_count = fields.Integer(string="To Create", compute="_compute_counts")
    update_count = fields.Integer(string="To Update", compute="_compute_counts")
    unchanged_count = fields.Integer(string="Unchanged", compute="_compute_counts")
    refused_count = fields.Integer(string="Refused", compute="_compute_counts")
    processed_count = fields.Integer(string="Processed", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts")
    report_file = fields.Binary(string="Report", attachment=True, readonly=True)
    report_filename = fields.Char(readonly=True)

    @api.depends("filename")
    def _compute_name(self):
        for record in self:
            record.name = record.filename or self.env._("Customer Import")

    @api.depends("line_ids.action", "line_ids.state")
    def _compute_counts(self):
        groups = self.env["res.partner.import.line"]._read_group(
            [("import_id", "in", self.ids)],
            ["import_id", "action", "state"],
            ["__count"],
        )
        counts = {}
        for record, action, state, count in groups:
            bucket = counts.setdefault(record.id, Counter())
            bucket[action] += count
            bucket["_total"] += count
            if state != "pending":
                bucket["_processed"] += count
        for record in self:
            bucket = counts.get(record.id, Counter())
            record.total_count = bucket["_total"]
            record.create_count = bucket["create"]
            record.update_count = bucket["update"]
            record.unchanged_count = bucket["unchanged"]
            record.refused_count = bucket["refused"]
            record.processed_count = bucket["_processed"]
            record.progress = (
                100.0 * bucket["_processed"] / bucket["_total"] if bucket["_total"] else 0.0
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_check(self):
        """Dry run: read the file and tell, row by row, what the import will do. Writes no
        customer."""
        self.ensure_one()
        if self.state not in ("draft", "checked"):
            raise UserError(self.env._("This import has already run."))
        rows = self._read_rows()
        self.line_ids.unlink()
        line_vals = self._plan_rows(rows)
        self.env["res.partner.import.line"].create(line_vals)
        self.write({"state": "checked", "report_file": False})  # built when downloaded
        return True

    def action_import(self):
        """Import the rows the check accepted; refused rows change nothing."""
        self.ensure_one()
        if self.state != "checked":
            raise UserError(self.env._("Check the file before importing it."))
        self.state = "running"
        if self.total_count <= IMMEDIATE_ROWS:
            self._process_pending_lines()
        else:
            self.env.ref("sales_pipeline.ir_cron_res_partner_import")._trigger()
        return True

    def action_download_report(self):
        """The per-row report, built on demand (not on every check and import: big files)."""
        self.ensure_one()
        if not self.report_file:
            self._write_report()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/report_file/{self.report_filename}"
            "?download=true",
            "target": "download",
        }

    def action_download_template(self):
        return {
            "type": "ir.actions.act_url",
            "url": "/sales_pipeline/customer_import/template",
            "target": "download",
        }

    # ------------------------------------------------------------------
    # Background import
    # ------------------------------------------------------------------

    @api.model
    def _cron_process_imports(self):
        Cron = self.env["ir.cron"]
        for record in self.search([("state", "=", "running")], order="id"):
            lines = record.line_ids.filtered(lambda line: line.state == "pending")
            Cron._commit_progress(remaining=len(lines))
            if not record.with_user(record.user_id)._process_pending_lines(commit=True):
                break

    def _process_pending_lines(self, commit=False):
        """Import pending rows in batches; returns False when the cron ran out of time."""
        self.ensure_one()
        Cron = self.env["ir.cron"]
        Line = self.env["res.partner.import.line"]
        while lines := Line.search(
            [("import_id", "=", self.id), ("state", "=", "pending")],
            order="row",
            limit=BATCH_SIZE,
        ):
            lines._import_batch()
            if commit and not Cron._commit_progress(len(lines)):
                return False
        self.sudo().write({"state": "done", "report_file": False})  # built again when downloaded
        return True

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _read_rows(self):
        """Rows of the first sheet as dicts keyed by column key, with their row number."""
        try:
            rows = sheet_rows(base64.b64decode(self.file))
            header = next(rows, None) or ()
        except Exception:
            raise UserError(
                self.env._("This file cannot be read: upload an Excel (.xlsx) file.")
            ) from None
        keys = self._map_header(header)
        result = []
        for number, cells in enumerate(rows, start=2):
            values = {
                key: cell_text(cells[index]) for index, key in keys.items() if index < len(cells)
            }
            if any(values.values()):
                result.append((number, values))
            if len(result) > MAX_ROWS:
                raise UserError(self.env._("A file may hold at most %s rows: split it.", MAX_ROWS))
        if not result:
            raise UserError(self.env._("The file has no customer rows under its header."))
        return result

    def _map_header(self, header):
        keys = map_header(header, COLUMNS)
        if "name" not in keys.values():
            raise UserError(
                self.env._(
                    "The first row must name the columns, with at least %(name)s. Download the template to see them.",  # noqa: E501
                    name="客户名称 (Customer Name)",
                )
            )
        return keys

    def _installed_langs(self):
        return [code for code, _name in self.env["res.lang"].get_installed()]
