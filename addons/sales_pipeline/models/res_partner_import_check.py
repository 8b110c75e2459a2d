import re

from odoo import models
from odoo.tools import SQL, email_normalize

from ..tools.phone import phone_digits, phone_digits_sql
from ..tools.planner import INDEX_LOOKUP_SETTINGS, planner_settings
from .res_partner_import import LIST_COLUMNS

TEXT_FIELDS = ("name", "mobile", "phone", "wechat_id", "email", "city", "street", "comment")
PERSON_WORDS = {"个人", "person", "individual"}
COMPANY_WORDS = {"公司", "企业", "company"}
MOBILE_RE = re.compile(r"^(\+?86)?1[3-9]\d{9}$|^\+\d{8,15}$")
PHONE_RE = re.compile(r"^\+?\d{7,20}$")


class ResPartnerImport(models.Model):
    _inherit = "res.partner.import"

    # ------------------------------------------------------------------
    # Planning and checking the rows
    # ------------------------------------------------------------------

    def _plan_rows(self, rows, lookups, seen_keys, new_by_owner):
        """What to do with each row: values for res.partner.import.line. ``seen_keys`` (the
        numbers and WeChat accounts of the rows before) and ``new_by_owner`` (the new customers
        planned per owner) carry on from one chunk of rows to the next."""
        existing = self._find_existing_customers(rows)
        planned = []
        for number, values in rows:
            plan = self._plan_row(number, values, lookups, existing, seen_keys)
            if plan["action"] == "create":
                owner_id = plan["values"].get("user_id")
                if owner_id:
                    new_by_owner[owner_id] += 1
                    if not self._owner_has_room(owner_id, new_by_owner[owner_id], lookups):
                        plan.update(
                            action="refused",
                            reason=self.env._(
                                "Over the quota of %s.",
                                lookups["user_names"][owner_id],
                            ),
                        )
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
                "match_keys": plan.get("match_keys", False),
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
                return dict(
                    plan,
                    action="refused",
                    reason=self.env._(
                        "Same mobile, phone or WeChat as row %s.",
                        seen_keys[key],
                    ),
                )
        plan["match_keys"] = self._row_keys(vals)
        for key in plan["match_keys"]:
            seen_keys[key] = number
        target, through_contact = self._match_existing(values, vals, existing)
        if target is False:
            return dict(
                plan,
                action="refused",
                reason=self.env._(
                    "Unknown customer number %s.",
                    values.get("code"),
                ),
            )
        if not target:
            vals = self._prepare_create_vals(vals)
            return dict(plan, action="create", values=vals)
        if not target.with_env(self.env).has_access("write"):
            if not target.with_env(self.env).has_access("read"):
                # say that it exists, nothing of the customer itself, not even whose it is
                return dict(
                    plan,
                    action="refused",
                    reason=self.env._("Duplicate of a customer you cannot see: ask your manager."),
                )
            owner = target.user_id.name or self.env._("the public pool")
            return dict(
                plan,
                action="refused",
                partner_id=target.id,
                reason=self.env._(
                    "Duplicate of customer %(code)s, which you may not change (owner: %(owner)s).",
                    code=target.customer_code or target.display_name,
                    owner=owner,
                ),
            )
        if through_contact:
            # a contact's number: the row is that person, not the company to rename after them
            return dict(
                plan,
                action="refused",
                partner_id=target.id,
                reason=self.env._(
                    "Same mobile, phone or WeChat as a contact of customer %(code)s: to update the customer, give its customer number.",  # noqa: E501
                    code=target.customer_code or target.display_name,
                ),
            )
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
        if not kind:
            pass  # a company when created; an existing customer keeps its type
        elif kind in PERSON_WORDS:
            vals["is_company"] = False
        elif kind in COMPANY_WORDS:
            vals["is_company"] = True
        else:
            problems.append(
                self.env._("Unknown type %s: use 公司 or 个人.", values["company_type"])
            )
        for column, (fname, model) in LIST_COLUMNS.items():
            label = values.get(column)
            if not label:
                continue
            record_id = lookups[model].get(label.lower())
            if record_id:
                vals[fname] = record_id
            else:
                problems.append(
                    self.env._(
                        "Unknown %(list)s %(value)s.",
                        list=self.env["ir.model"]._get(model).name,
                        value=label,
                    )
                )
        owner_id, owner_problem = self._resolve_owner(values.get("owner"), lookups)
        if owner_problem:
            problems.append(owner_problem)
        vals["user_id"] = owner_id
        return vals, problems

    def _resolve_owner(self, label, lookups):
        importer = self.env.user
        may_choose = (
            self.env["res.partner"]._is_customer_manager()
            or self.env["res.partner"]._is_customer_clerk()
        )
        if not label:
            return (False if may_choose else importer.id), None
        if label.lower() in lookups["users"] and not lookups["users"][label.lower()]:
            return False, self.env._(
                "Several salespeople are named %s: give the login instead.", label
            )
        owner_id = lookups["users"].get(label.lower())
        if not owner_id:
            return False, self.env._("Unknown salesperson %s.", label)
        if owner_id != importer.id and not may_choose:
            return False, self.env._(
                "You can only import customers for yourself, not for %s.", label
            )
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
        """The existing customer a row updates (None for a new one, False for an unknown number)
        and whether it was found by the number or WeChat of one of its contacts."""
        if values.get("code"):
            return existing["code"].get(values["code"], False), False
        for key in self._row_keys(vals):
            if key in existing[key[0]]:
                return existing[key[0]][key], key in existing["through_contact"]
        return None, False

    def _prepare_create_vals(self, vals):
        vals = dict({"is_company": True}, **vals, is_customer=True)
        if not vals.get("source_id"):
            source = self.env.ref(
                "sales_pipeline.res_partner_source_import", raise_if_not_found=False
            )
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
            lookups["held"][owner_id] = (
                self.env["res.partner"]
                .sudo()
                .search_count(
                    [
                        ("is_customer", "=", True),
                        ("parent_id", "=", False),
                        ("user_id", "=", owner_id),
                    ]
                )
            )
        return lookups["held"][owner_id] + new_count <= limit

    def _load_lookups(self):
        """Name -> id maps of the settings lists and users the rows refer to."""
        lookups = {"held": {}}
        for _column, (_fname, model) in LIST_COLUMNS.items():
            names = {}
            for lang in [None, *self._installed_langs()]:  # None: the English source names
                # all of a settings list (regions, sources...: a few dozen names), once per import
                for record in self.env[model].with_context(lang=lang, active_test=True).search([]):  # pylint: disable=no-search-all
                    names.setdefault((record.name or "").lower(), record.id)
            lookups[model] = names
        users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("all_group_ids", "in", self.env.ref("sales_team.group_sale_salesman").ids),
                ]
            )
        )
        lookups["users"] = self._user_lookup(users)
        lookups["user_names"] = {user.id: user.name for user in users}
        return lookups

    @staticmethod
    def _user_lookup(users):
        """Label -> user id: logins first (unique), then names a single user bears and no
        other user has as login; an ambiguous name maps to None (a user may rename themselves
        after a colleague: a row must not go to them by that name)."""
        by_login = {user.login.lower(): user.id for user in users}
        by_name = {}
        for user in users:
            name = user.name.lower()
            by_name[name] = None if name in by_name else user.id
        return by_name | by_login

    @staticmethod
    def _add_match(existing, key, customer, is_contact):
        """Record that ``key`` is held by ``customer`` (on a contact of it when ``is_contact``):
        a customer holding it itself wins over one whose contact does."""
        known = existing[key[0]].get(key)
        if known is None or (key in existing["through_contact"] and not is_contact):
            existing[key[0]][key] = customer
            if is_contact:
                existing["through_contact"].add(key)
            else:
                existing["through_contact"].discard(key)

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
        # number/wechat: {(kind, key): customer}; through_contact: the keys found on a contact
        # only, not on a customer itself
        existing = {"code": {}, "number": {}, "wechat": {}, "through_contact": set()}
        if codes:
            for customer in Partner.search([("customer_code", "in", list(codes))]):
                existing["code"][customer.customer_code] = customer
        # each number and WeChat id looked up on its index: PostgreSQL misjudges the digits
        # expression and would sort or hash every partner for each chunk of rows
        with planner_settings(self.env.cr, INDEX_LOOKUP_SETTINGS):
            if numbers:
                number_list = list(numbers)
                for column in ("phone", "mobile"):
                    self.env.cr.execute(
                        SQL(
                            """
                        SELECT n.number, p.commercial_partner_id, p.id != p.commercial_partner_id
                          FROM unnest(%(numbers)s::text[]) AS n(number)
                          JOIN res_partner p ON p.%(col)s IS NOT NULL AND %(digits)s = n.number
                         WHERE p.is_customer
                        """,
                            col=SQL.identifier(column),
                            digits=phone_digits_sql(SQL.identifier("p", column)),
                            numbers=number_list,
                        )
                    )
                    for number, partner_id, is_contact in self.env.cr.fetchall():
                        self._add_match(
                            existing, ("number", number), Partner.browse(partner_id), is_contact
                        )
            if wechats:
                self.env.cr.execute(
                    SQL(
                        """
                    SELECT p.wechat_id, p.commercial_partner_id, p.id != p.commercial_partner_id
                      FROM unnest(%s::text[]) AS w(wechat_id)
                      JOIN res_partner p ON p.wechat_id = w.wechat_id
                     WHERE p.is_customer
                    """,
                        list(wechats),
                    )
                )
                for wechat_id, partner_id, is_contact in self.env.cr.fetchall():
                    self._add_match(
                        existing, ("wechat", wechat_id), Partner.browse(partner_id), is_contact
                    )
        return existing
