import base64
import io
import re
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize

from .res_partner import phone_digits, phone_digits_sql

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
TEXT_FIELDS = ("name", "mobile", "phone", "wechat_id", "email", "city", "street", "comment")
PERSON_WORDS = {"个人", "person", "individual"}
COMPANY_WORDS = {"公司", "企业", "company", ""}
MOBILE_RE = re.compile(r"^(\+?86)?1[3-9]\d{9}$|^\+\d{8,15}$")
PHONE_RE = re.compile(r"^\+?\d{7,20}$")
# Files up to this many rows import inside the request; larger ones in the background.
IMMEDIATE_ROWS = 500
BATCH_SIZE = 500
MAX_ROWS = 50000


class CustomerImport(models.Model):
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
            [("import_id", "in", self.ids)], ["import_id", "action", "state"], ["__count"],
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
            record.progress = 100.0 * bucket["_processed"] / bucket["_total"] if bucket["_total"] else 0.0

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_check(self):
        """Dry run: read the file and tell, row by row, what the import will do. Writes no customer."""
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
            "url": f"/web/content/{self._name}/{self.id}/report_file/{self.report_filename}?download=true",
            "target": "self",
        }

    def action_download_template(self):
        return {
            "type": "ir.actions.act_url",
            "url": "/sales_pipeline/customer_import/template",
            "target": "self",
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
            [("import_id", "=", self.id), ("state", "=", "pending")], order="row", limit=BATCH_SIZE,
        ):
            lines._import_batch()
            if commit and not Cron._commit_progress(len(lines)):
                return False
        self.sudo().write({"state": "done", "report_file": False})  # built again when downloaded
        return True

    # ------------------------------------------------------------------
    # Reading and planning
    # ------------------------------------------------------------------

    def _read_rows(self):
        """Rows of the first sheet as dicts keyed by column key, with their row number."""
        try:
            rows = self._sheet_rows(base64.b64decode(self.file))
            header = next(rows, None) or ()
        except Exception:
            raise UserError(self.env._("This file cannot be read: upload an Excel (.xlsx) file.")) from None
        keys = self._map_header(header)
        result = []
        for number, cells in enumerate(rows, start=2):
            values = {
                key: self._cell_text(cells[index])
                for index, key in keys.items() if index < len(cells)
            }
            if any(values.values()):
                result.append((number, values))
            if len(result) > MAX_ROWS:
                raise UserError(self.env._("A file may hold at most %s rows: split it.", MAX_ROWS))
        if not result:
            raise UserError(self.env._("The file has no customer rows under its header."))
        return result

    @classmethod
    def _sheet_rows(cls, data):
        """Cell values of the first sheet, row by row. Like base_import: with xlrd where it reads
        .xlsx (xlrd 1.2, twice as fast here), else with openpyxl."""
        try:
            from xlrd import xlsx  # noqa: F401
        except ImportError:
            return cls._openpyxl_rows(data)
        return cls._xlrd_rows(data)

    @staticmethod
    def _xlrd_rows(data):
        """Rows as openpyxl gives them: dates as datetimes, booleans as booleans, errors as None."""
        import xlrd  # noqa: PLC0415

        book = xlrd.open_workbook(file_contents=data)
        sheet = book.sheet_by_index(0)
        converters = {
            xlrd.XL_CELL_DATE: lambda value: xlrd.xldate.xldate_as_datetime(value, book.datemode),
            xlrd.XL_CELL_BOOLEAN: bool,
            xlrd.XL_CELL_ERROR: lambda value: None,
        }
        for index in range(sheet.nrows):
            values, types = sheet.row_values(index), sheet.row_types(index)
            if converters.keys() & set(types):
                values = [
                    converters[ctype](value) if ctype in converters else value
                    for value, ctype in zip(values, types)
                ]
            yield values

    @staticmethod
    def _openpyxl_rows(data):
        from openpyxl import load_workbook  # noqa: PLC0415

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        yield from workbook.worksheets[0].iter_rows(values_only=True)
        workbook.close()

    def _map_header(self, header):
        by_label = {}
        for key, zh_label, en_label in COLUMNS:
            by_label[zh_label] = key
            by_label[en_label.lower()] = key
        keys = {}
        for index, label in enumerate(header):
            text = self._cell_text(label).rstrip("*").strip()
            key = by_label.get(text) or by_label.get(text.lower())
            if key:
                keys[index] = key
        if "name" not in keys.values():
            raise UserError(self.env._(
                "The first row must name the columns, with at least %(name)s. Download the template to see them.",
                name="客户名称 (Customer Name)",
            ))
        return keys

    @staticmethod
    def _cell_text(value):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # phone numbers typed as numbers
        return str(value).strip()

    def _plan_rows(self, rows):
        """What to do with each row: values for res.partner.import.line."""
        lookups = self._load_lookups(rows)
        existing = self._find_existing_customers(rows)
        planned = []
        seen_keys = {}
        new_by_owner = Counter()
        for number, values in rows:
            plan = self._plan_row(number, values, lookups, existing, seen_keys)
            if plan["action"] == "create":
                owner_id = plan["values"].get("user_id")
                if owner_id:
                    new_by_owner[owner_id] += 1
                    if not self._owner_has_room(owner_id, new_by_owner[owner_id], lookups):
                        plan.update(action="refused", reason=self.env._(
                            "Over the quota of %s.", lookups["user_names"][owner_id],
                        ))
                        new_by_owner[owner_id] -= 1
            planned.append(plan)
        return [
            {
                "import_id": self.id,
                "row": plan["row"],
                "name": plan["name"],
                "action": plan["action"],
                "reason": plan.get("reason", False),
                "partner_id": plan.get("partner_id", False),
                "values": plan.get("values", {}),
            }
            for plan in planned
        ]

    def _plan_row(self, number, values, lookups, existing, seen_keys):
        plan = {"row": number, "name": values.get("name", "")[:256]}
        vals, problems = self._convert_row(values, lookups)
        if problems:
            return dict(plan, action="refused", reason="; ".join(problems))
        for key in self._row_keys(vals):
            if key in seen_keys:
                return dict(plan, action="refused", reason=self.env._(
                    "Same mobile, phone or WeChat as row %s.", seen_keys[key],
                ))
        for key in self._row_keys(vals):
            seen_keys[key] = number
        target = self._match_existing(values, vals, existing)
        if target is False:
            return dict(plan, action="refused", reason=self.env._(
                "Unknown customer number %s.", values.get("code"),
            ))
        if not target:
            vals = self._prepare_create_vals(vals)
            return dict(plan, action="create", values=vals)
        if not target.with_env(self.env).has_access("write"):
            owner = target.user_id.name or self.env._("the public pool")
            if not target.with_env(self.env).has_access("read"):
                # say that it exists and whom to ask, nothing of the customer itself
                return dict(plan, action="refused", reason=self.env._(
                    "Duplicate of a customer you cannot see: ask its owner, %(owner)s, or your manager.",
                    owner=owner,
                ))
            return dict(plan, action="refused", partner_id=target.id, reason=self.env._(
                "Duplicate of customer %(code)s, which you may not change (owner: %(owner)s).",
                code=target.customer_code or target.display_name,
                owner=owner,
            ))
        changes = self._changed_values(target, vals)
        if not changes:
            return dict(plan, action="unchanged", partner_id=target.id)
        return dict(plan, action="update", partner_id=target.id, values=changes)

    def _convert_row(self, values, lookups):
        """Partner values of a row, and the problems that refuse it."""
        problems = []
        vals = {}
        if not values.get("name"):
            problems.append(self.env._("The customer name is missing."))
        for fname in TEXT_FIELDS:
            if values.get(fname):
                vals[fname] = values[fname]
        mobile = phone_digits(vals.get("mobile"))
        if mobile and not MOBILE_RE.match(mobile):
            problems.append(self.env._("Bad mobile number %s.", vals["mobile"]))
        phone = phone_digits(vals.get("phone"))
        if phone and not PHONE_RE.match(phone):
            problems.append(self.env._("Bad phone number %s.", vals["phone"]))
        if vals.get("email") and not email_normalize(vals["email"]):
            problems.append(self.env._("Bad e-mail address %s.", vals["email"]))
        kind = values.get("company_type", "").lower()
        if kind in PERSON_WORDS:
            vals["is_company"] = False
        elif kind in COMPANY_WORDS:
            vals["is_company"] = True
        else:
            problems.append(self.env._("Unknown type %s: use 公司 or 个人.", values["company_type"]))
        for column, (fname, model) in LIST_COLUMNS.items():
            label = values.get(column)
            if not label:
                continue
            record_id = lookups[model].get(label.lower())
            if record_id:
                vals[fname] = record_id
            else:
                problems.append(self.env._(
                    "Unknown %(list)s %(value)s.",
                    list=self.env["ir.model"]._get(model).name,
                    value=label,
                ))
        owner_id, owner_problem = self._resolve_owner(values.get("owner"), lookups)
        if owner_problem:
            problems.append(owner_problem)
        vals["user_id"] = owner_id
        return vals, problems

    def _resolve_owner(self, label, lookups):
        importer = self.env.user
        may_choose = self.env["res.partner"]._is_customer_manager() or self.env["res.partner"]._is_customer_clerk()
        if not label:
            return (False if may_choose else importer.id), None
        owner_id = lookups["users"].get(label.lower())
        if not owner_id:
            return False, self.env._("Unknown salesperson %s.", label)
        if owner_id != importer.id and not may_choose:
            return False, self.env._("You can only import customers for yourself, not for %s.", label)
        return owner_id, None

    @staticmethod
    def _row_keys(vals):
        keys = []
        for fname in ("mobile", "phone"):
            number = phone_digits(vals.get(fname))
            if number:
                keys.append(("number", number))
        if vals.get("wechat_id"):
            keys.append(("wechat", vals["wechat_id"]))
        return keys

    def _match_existing(self, values, vals, existing):
        """The existing customer a row updates, None for a new one, False for an unknown number."""
        if values.get("code"):
            return existing["code"].get(values["code"], False)
        for kind, key in self._row_keys(vals):
            if key in existing[kind]:
                return existing[kind][key]
        return None

    def _prepare_create_vals(self, vals):
        vals = dict(vals, is_customer=True)
        if not vals.get("source_id"):
            source = self.env.ref("sales_pipeline.res_partner_source_import", raise_if_not_found=False)
            vals["source_id"] = source.id if source else False
        return vals

    @staticmethod
    def _changed_values(customer, vals):
        changes = {}
        for fname, value in vals.items():
            if fname == "user_id":
                continue  # ownership changes go through claim, release and assignment
            current = customer[fname]
            current = current.id if isinstance(current, models.BaseModel) else current
            if (current or False) != (value or False):
                changes[fname] = value
        return changes

    def _owner_has_room(self, owner_id, new_count, lookups):
        user = self.env["res.users"].browse(owner_id)
        limit = user._get_customer_quota("claimed")
        if not limit:
            return True
        if owner_id not in lookups["held"]:
            lookups["held"][owner_id] = self.env["res.partner"].sudo().search_count([
                ("is_customer", "=", True), ("parent_id", "=", False), ("user_id", "=", owner_id),
            ])
        return lookups["held"][owner_id] + new_count <= limit

    def _load_lookups(self, rows):
        """Name -> id maps of the settings lists and users the rows refer to."""
        lookups = {"held": {}, "user_names": {}}
        for _column, (_fname, model) in LIST_COLUMNS.items():
            names = {}
            for lang in [None, *self._installed_langs()]:  # None: the English source names
                for record in self.env[model].with_context(lang=lang, active_test=True).search([]):
                    names.setdefault((record.name or "").lower(), record.id)
            lookups[model] = names
        users = self.env["res.users"].sudo().search([
            ("share", "=", False),
            ("all_group_ids", "in", self.env.ref("sales_team.group_sale_salesman").ids),
        ])
        lookups["users"] = {}
        for user in users:
            lookups["users"].setdefault(user.login.lower(), user.id)
            lookups["users"].setdefault(user.name.lower(), user.id)
            lookups["user_names"][user.id] = user.name
        return lookups

    def _installed_langs(self):
        return [code for code, _name in self.env["res.lang"].get_installed()]

    def _find_existing_customers(self, rows):
        """Existing managed customers by number, mobile/phone and WeChat, in a few queries."""
        codes = {values["code"] for _n, values in rows if values.get("code")}
        numbers, wechats = set(), set()
        for _n, values in rows:
            for fname in ("mobile", "phone"):
                number = phone_digits(values.get(fname))
                if number:
                    numbers.add(number)
            if values.get("wechat_id"):
                wechats.add(values["wechat_id"])
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        existing = {"code": {}, "number": {}, "wechat": {}}
        if codes:
            for customer in Partner.search([("customer_code", "in", list(codes))]):
                existing["code"][customer.customer_code] = customer
        if numbers:
            number_list = list(numbers)
            for column in ("phone", "mobile"):
                # a join on the numbers, not "= ANY(list)": thousands of numbers
                # would be compared one by one against every partner
                self.env.cr.execute(SQL(
                    """
                    SELECT n.number, p.commercial_partner_id
                      FROM unnest(%(numbers)s::text[]) AS n(number)
                      JOIN res_partner p ON p.%(col)s IS NOT NULL AND %(digits)s = n.number
                     WHERE p.is_customer
                    """,
                    col=SQL.identifier(column),
                    digits=phone_digits_sql(SQL.identifier("p", column)),
                    numbers=number_list,
                ))
                for number, partner_id in self.env.cr.fetchall():
                    existing["number"].setdefault(number, Partner.browse(partner_id))
        if wechats:
            self.env.cr.execute(SQL(
                """
                SELECT p.wechat_id, p.commercial_partner_id
                  FROM unnest(%s::text[]) AS w(wechat_id)
                  JOIN res_partner p ON p.wechat_id = w.wechat_id
                 WHERE p.is_customer
                """,
                list(wechats),
            ))
            for wechat_id, partner_id in self.env.cr.fetchall():
                existing["wechat"].setdefault(wechat_id, Partner.browse(partner_id))
        return existing

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------

    def _write_report(self):
        """The per-row report as an .xlsx file on the import."""
        from openpyxl import Workbook  # noqa: PLC0415

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.env._("Report")
        sheet.append([
            self.env._("Row"), self.env._("Customer"), self.env._("Action"),
            self.env._("Reason"), self.env._("Customer Number"), self.env._("Status"),
        ])
        actions = dict(self.env["res.partner.import.line"]._fields["action"]._description_selection(self.env))
        states = dict(self.env["res.partner.import.line"]._fields["state"]._description_selection(self.env))
        for line in self.line_ids.sorted("row"):
            sheet.append([
                line.row, line.name, actions.get(line.action), line.reason or "",
                line.sudo().partner_id.customer_code or "", states.get(line.state),
            ])
        buffer = io.BytesIO()
        workbook.save(buffer)
        base_name = (self.filename or "customers").rsplit(".", 1)[0]
        self.sudo().write({
            "report_file": base64.b64encode(buffer.getvalue()),
            "report_filename": f"{base_name}-report.xlsx",
        })

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
        help_sheet.append(["负责人", "销售员的登录名或姓名；留空 = 销售员本人，录入专员/经理留空 = 公海"])
        for column, (_fname, model) in LIST_COLUMNS.items():
            label = next(zh for key, zh, _en in COLUMNS if key == column)
            lang = "zh_CN" if "zh_CN" in self._installed_langs() else self.env.lang
            names = self.env[model].with_context(lang=lang).search([]).mapped("name")
            help_sheet.append([label, " / ".join(names)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

