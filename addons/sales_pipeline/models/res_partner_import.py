import io
import json
from collections import Counter
from contextlib import closing
from urllib.parse import quote as url_quote

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, clean_context, split_every

from ..tools.spreadsheet import (
    cell_text,
    first_sheet,
    header_row,
    map_header,
    numbered_rows,
    stated_row_count,
)

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
# Files up to this many rows are checked and imported inside the request; larger ones in the
# background, committed every CHECK_CHUNK rows checked and every BATCH_SIZE rows imported.
IMMEDIATE_ROWS = 500
CHECK_CHUNK = 1000
BATCH_SIZE = 500
MAX_ROWS = 200000
# Written by the check and the import themselves, never by a client: they decide whose rights
# the background jobs run with and which rows they apply.
PROCESS_FIELDS = frozenset(
    {
        "user_id",
        "state",
        "checked_row",
        "row_estimate",
        "check_message",
        "report_file",
        "report_filename",
        "file_checksum",
    }
)
LINE_COLUMNS = (
    "import_id",
    "row",
    "name",
    "action",
    "reason",
    "partner_id",
    "values",
    "match_keys",
    "state",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
)
# The files of an import: their attachments are written by the import only.
FILE_FIELDS = frozenset({"file", "report_file"})


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
            ("checking", "Checking"),
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
    checked_row = fields.Integer(
        readonly=True, help="The last row of the file the check has gone through."
    )
    row_estimate = fields.Integer(
        readonly=True, help="Rows of the file as the file states them, for the progress bar."
    )
    check_message = fields.Char(
        readonly=True, help="Why the last check stopped without checking the file."
    )
    file_checksum = fields.Char(
        readonly=True,
        help="The checksum of the file the check reads: a file changed meanwhile stops it.",
    )

    @api.depends("filename")
    def _compute_name(self):
        for record in self:
            record.name = record.filename or self.env._("Customer Import")

    @api.depends("line_ids.action", "line_ids.state", "state", "checked_row", "row_estimate")
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
            if record.state == "checking":
                record.progress = record._check_progress()
            else:
                record.progress = (
                    100.0 * bucket["_processed"] / bucket["_total"] if bucket["_total"] else 0.0
                )

    def _check_progress(self):
        data_rows = self.row_estimate - 1  # under the header
        if data_rows <= 0:
            return 0.0
        return min(99.0, 100.0 * max(self.checked_row - 1, 0) / data_rows)

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # an import runs with its importer's rights: nobody files one in another's name or
            # past its check (given values, the client's defaults and the user's defaults alike)
            start = {
                "user_id": self.env.uid,
                "state": "draft",
                "checked_row": 0,
                "row_estimate": 0,
                "check_message": False,
                "report_file": False,
                "report_filename": False,
                "file_checksum": False,
            }
            vals_list = [
                {key: value for key, value in vals.items() if key not in PROCESS_FIELDS} | start
                for vals in vals_list
            ]
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and PROCESS_FIELDS & vals.keys():
            raise AccessError(
                self.env._("The importer and the progress of an import are set by the import.")
            )
        if "file" in vals and any(record.state != "draft" for record in self):
            raise UserError(self.env._("A checked file cannot be replaced: start a new import."))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_check(self):
        """Dry run: read the file and tell, row by row, what the import will do. Writes no
        customer. Small files are checked at once, larger ones in the background."""
        self.ensure_one()
        if self.state not in ("draft", "checked"):
            raise UserError(self.env._("This import is running or has already run."))
        importer = self._as_importer()
        self.sudo().file_checksum = self._file_attachment().checksum  # the file this check reads
        row_estimate = importer._check_file_start()
        importer._delete_lines()
        self.sudo().write(
            {
                "state": "checking",
                "checked_row": 1,
                "row_estimate": row_estimate,
                "check_message": False,
                "report_file": False,  # built when downloaded
                "report_filename": False,
            }
        )
        if 0 < row_estimate <= IMMEDIATE_ROWS + 1:
            # a file may state fewer rows than it holds: past one chunk, the scheduler goes on
            if not importer._check_pending_rows(max_chunks=1):
                self._trigger_background()
        else:
            self._trigger_background()
        return True

    def action_import(self):
        """Import the rows the check accepted; refused rows change nothing."""
        self.ensure_one()
        if self.state != "checked":
            raise UserError(self.env._("Check the file before importing it."))
        self.sudo().state = "running"
        if self.total_count <= IMMEDIATE_ROWS:
            self._as_importer()._process_pending_lines()
        else:
            self._trigger_background()
        return True

    def _as_importer(self):
        """This import with the rights of who uploaded it, whoever clicks, and none of the
        defaults the client sends (the rows carry every value the import writes)."""
        return self.with_user(self.user_id).with_context(clean_context(self.env.context))

    def _trigger_background(self):
        self.env.ref("sales_pipeline.ir_cron_res_partner_import").sudo()._trigger()

    def action_download_report(self):
        """The per-row report, built on demand (not on every check and import: big files)."""
        self.ensure_one()
        if not self.report_filename:  # set by _write_report only: a report nobody built is rebuilt
            self._write_report()
        filename = url_quote(self.report_filename or "report.xlsx", safe="")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/report_file/{filename}?download=true",
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
        """Check and import the files waiting, each with its importer's rights, committing
        after every chunk; what is left when the job's time is up waits for its next run."""
        Cron = self.env["ir.cron"]
        for record in self.search([("state", "in", ("checking", "running"))], order="id"):
            importer = record._as_importer()
            if record.state == "checking":
                Cron._commit_progress(remaining=max(record.row_estimate - record.checked_row, 0))
                finished = importer._check_in_background()
            else:
                Cron._commit_progress(remaining=importer._pending_line_count())
                finished = importer._process_pending_lines(commit=True)
            if not finished:
                self._trigger_background()  # go on at once, not at the next hourly run
                break

    def _pending_line_count(self):
        return self.env["res.partner.import.line"].search_count(
            [("import_id", "=", self.id), ("state", "=", "pending")]
        )

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
        # the report is built again when downloaded
        self.sudo().write({"state": "done", "report_file": False, "report_filename": False})
        self._notify_importer(
            self._with_counts(
                self.env._(
                    "%(name)s: %(created)s customers created, %(updated)s updated, %(refused)s refused."  # noqa: E501
                )
            )
        )
        return True

    # ------------------------------------------------------------------
    # Checking the file in chunks
    # ------------------------------------------------------------------

    def _check_in_background(self):
        """One background run of the check; a file found bad stops the check with its reason
        on the import and no row kept."""
        try:
            return self._check_pending_rows(commit=True)
        except UserError as error:
            self.env.cr.rollback()  # back to the last chunk committed
            self._stop_check(error.args[0])
            return True

    def _check_pending_rows(self, commit=False, max_chunks=None):
        """Check the rows after ``checked_row``, CHECK_CHUNK at a time; returns False when the
        cron ran out of time or ``max_chunks`` were checked with rows left (the next run goes on
        from there)."""
        self.ensure_one()
        Cron = self.env["ir.cron"]
        lookups = self._load_lookups()
        seen_keys, new_by_owner, row_count = self._checked_so_far()
        with closing(self._data_rows(self.checked_row + 1, row_count)) as rows:
            for done, chunk in enumerate(split_every(CHECK_CHUNK, rows), start=1):
                self._store_plans(self._plan_rows(chunk, lookups, seen_keys, new_by_owner))
                self.sudo().checked_row = chunk[-1][0]
                if commit and not Cron._commit_progress(len(chunk)):
                    return False
                if done == max_chunks and len(chunk) == CHECK_CHUNK:
                    return False
        if not self._has_lines():
            raise UserError(self.env._("The file has no customer rows under its header."))
        self.sudo().state = "checked"
        if commit:
            self._notify_importer(
                self._with_counts(
                    self.env._(
                        "%(name)s is checked: %(created)s to create, %(updated)s to update, %(refused)s refused."  # noqa: E501
                    )
                )
            )
        return True

    def _with_counts(self, message):
        """``message`` (translated) with the import's name and row counts."""
        return message % {
            "name": self.name,
            "created": self.create_count,
            "updated": self.update_count,
            "refused": self.refused_count,
        }

    def _stop_check(self, message):
        self._delete_lines()
        self.sudo().write({"state": "draft", "checked_row": 0, "check_message": message})
        self._notify_importer(message, kind="danger")

    def _notify_importer(self, message, kind="success"):
        self.user_id._bus_send(
            "simple_notification",
            {"type": kind, "title": self.env._("Customer Import"), "message": message},
        )

    def _delete_lines(self):
        # one statement: a file holds up to MAX_ROWS rows, and rows have nothing hanging on them
        self.env.cr.execute(
            SQL("DELETE FROM res_partner_import_line WHERE import_id = %s", self.id)
        )
        self.env["res.partner.import.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def _has_lines(self):
        return bool(
            self.env["res.partner.import.line"].search_count([("import_id", "=", self.id)], limit=1)
        )

    def _store_plans(self, plans):
        """The planned rows as import lines, one INSERT per chunk: the lines are the check's own
        records (no default, compute, rule or other module's override applies to them) and a
        file holds up to MAX_ROWS of them."""
        if not plans:
            return
        uid, now = self.env.uid, self.env.cr.now()
        rows = [
            (
                plan["import_id"],
                plan["row"],
                plan["name"],
                plan["action"],
                plan["reason"] or None,
                plan["partner_id"] or None,
                json.dumps(plan["values"]) if plan["values"] else None,
                json.dumps(plan["match_keys"]) if plan["match_keys"] else None,
                "pending",
                uid,
                now,
                uid,
                now,
            )
            for plan in plans
        ]
        self.env.cr.execute(
            SQL(
                "INSERT INTO res_partner_import_line (%s) VALUES %s",
                SQL(", ").join(map(SQL.identifier, LINE_COLUMNS)),
                SQL(", ").join(rows),
            )
        )
        self.env["res.partner.import.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def _checked_so_far(self):
        """What the rows checked in earlier runs tell the next ones: the numbers and WeChat
        accounts already in the file (by row), the new customers planned per owner (quotas) and
        how many rows there are."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT row, match_keys, action, "values"->>'user_id'
              FROM res_partner_import_line
             WHERE import_id = %s
             ORDER BY row
            """,
                self.id,
            )
        )
        seen_keys, new_by_owner, row_count = {}, Counter(), 0
        for row, match_keys, action, owner_id in self.env.cr.fetchall():
            row_count += 1
            for kind, key in match_keys or ():
                seen_keys.setdefault((kind, key), row)
            if action == "create" and owner_id and owner_id.isdigit():  # not the pool's false
                new_by_owner[int(owner_id)] += 1
        return seen_keys, new_by_owner, row_count

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _file_attachment(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "=", "file"),
                ],
                order="id",
                limit=1,
            )
        )

    def _file_source(self):
        """The uploaded file as a path in the file store (read as a stream), else its bytes; a
        file that is no longer the one the check started on stops the check."""
        attachment = self._file_attachment()
        if self.file_checksum and attachment.checksum != self.file_checksum:
            raise UserError(self.env._("The file changed during the check: check it again."))
        if attachment.store_fname:
            return attachment._full_path(attachment.store_fname)
        return io.BytesIO(attachment.raw or b"")

    def _unreadable(self):
        return UserError(self.env._("This file cannot be read: upload an Excel (.xlsx) file."))

    def _check_file_start(self):
        """Read the header and the size the file states, before anything is written: an
        unreadable file, a header without the name column or too many rows is refused at once.
        Returns the rows the file states (0 when it does not)."""
        try:
            with first_sheet(self._file_source()) as sheet:
                row_estimate = stated_row_count(sheet)
                header = header_row(sheet)
        except Exception:
            raise self._unreadable() from None
        self._map_header(header)
        if row_estimate - 1 > MAX_ROWS:
            raise self._too_many_rows()
        return row_estimate

    def _too_many_rows(self):
        return UserError(self.env._("A file may hold at most %s rows: split it.", MAX_ROWS))

    def _data_rows(self, first_row, row_count):
        """(row number, values by column key) of the non-blank rows from ``first_row`` on;
        ``row_count`` rows came before."""
        try:
            with first_sheet(self._file_source()) as sheet:
                keys = self._map_header(header_row(sheet))
                for number, cells in numbered_rows(sheet, first_row):
                    values = {
                        key: cell_text(cells[index])
                        for index, key in keys.items()
                        if index < len(cells)
                    }
                    if any(values.values()):
                        row_count += 1
                        if row_count > MAX_ROWS:
                            raise self._too_many_rows()
                        yield number, values
        except UserError:
            raise
        except Exception:
            raise self._unreadable() from None

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
