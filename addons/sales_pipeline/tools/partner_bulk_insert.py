"""New top-level customers in one INSERT per batch, for imports of thousands of rows.

Odoo's ``create`` costs about 1.5 ms per customer here (defaults looked up per row, company
checks, computed fields one record at a time): most of a 10,000-row import. ``insert_customers``
writes the rows ``create`` would write: the defaults come from ``default_get`` once per batch, the
stored computed fields a new customer without parent, contacts, users or image can have are set by
the rules of their compute methods, any other stored computed field is left to the ORM's
recompute; then Python constraints and create record rules are checked on the new rows, and our own
create side effects (customer numbers, quotas, ownership history) run as in ``create``.

It only runs where it was checked: when a module outside ``CHECKED_CREATE_MODULES`` overrides
``res.partner.create``, or a value is not a plain stored column, ``can_insert_customers`` says no
and the caller uses ``create``. tests/test_partner_bulk_insert.py compares, column by column, the
rows written here with the rows ``create`` writes.
"""

from odoo import fields
from odoo.tools import SQL, email_normalize

from .records import modules_overriding

# Modules whose res.partner.create() overrides do nothing more for a new top-level customer
# created without tracking than what insert_customers does (base: website clean-up, contact sync;
# mail: followers and creation message, off without tracking; account: ranks from a search mode
# in the context; sales_pipeline: customer numbers, quotas, ownership history).
CHECKED_CREATE_MODULES = frozenset({"base", "mail", "account", "sales_pipeline"})
# Stored computed fields set here, by the rules of their compute methods for a new partner
# without parent, company name, contacts, users, image or properties.
COMPUTED_HERE = frozenset(
    {
        "commercial_partner_id",
        "complete_name",
        "commercial_company_name",
        "partner_share",
        "email_normalized",
        "phone_sanitized",
        "pool_state",
        "reach_search_text",
        "company_registry",
        "properties",
        "image_1024",
        "image_512",
        "image_256",
        "image_128",
    }
)
# Values a row may not carry: they make the partner a contact or need create()'s own handling.
REFUSED_KEYS = frozenset(
    {"parent_id", "company_name", "child_ids", "user_ids", "image_1920", "website"}
)
INSERT_BATCH = 1000


def can_insert_customers(partners, field_names, checked_modules=CHECKED_CREATE_MODULES):
    """Whether ``insert_customers`` writes what ``create`` would, for values of ``field_names``."""
    overriding = modules_overriding(partners, "create")
    if not overriding <= checked_modules or REFUSED_KEYS & set(field_names):
        return False
    if _user_defaults(partners):
        return False  # defaults set by the user or the client: create() checks them as values
    for name in field_names:
        field = partners._fields.get(name)
        if (
            not field
            or not field.store
            or not field.column_type
            or field.inherited
            or field.inverse
        ):
            return False
        if name in COMPUTED_HERE or (field.compute and field.readonly):
            return False
    return True


def _user_defaults(partners):
    """Whether res.partner has defaults the user chose: the client's (``default_*`` context
    keys) or the user's own ir.default (an administrator's, for everyone or a company, are
    read by default_get as in create)."""
    env = partners.env
    if any(key.startswith("default_") for key in env.context):
        return True
    return bool(
        env["ir.default"]
        .sudo()
        .search_count([("field_id.model", "=", partners._name), ("user_id", "=", env.uid)], limit=1)
    )


def insert_customers(partners, vals_list):
    """Create customers from ``vals_list`` (``create`` values of top-level customers); returns them.

    Same checks as ``create``: access rights on the model and fields, the fields only the
    application sets, links to customers the user cannot read, record rules on the new rows,
    Python constraints, our quotas. Raises like ``create``; the caller's savepoint undoes the batch.
    """
    env = partners.env
    partners = partners.browse()
    partners.check_access("create")
    vals_list = [dict(vals) for vals in vals_list]
    if not env.su:  # the fields only the application sets, and links to hidden customers
        partners._check_guarded_fields_at_create(vals_list)
        partners._check_links_readable(vals_list)
    partners._check_customer_entry(vals_list)
    partners._check_premium_grade_by_manager([vals.get("value_grade_id") for vals in vals_list])
    partners._prepare_customer_codes(vals_list)
    names = sorted(
        {name for vals in vals_list for name in vals}
    )  # with the customer numbers, as create
    for name in names:
        partners._check_field_access(partners._fields[name], "write")

    defaults, recompute = _defaults_and_recomputed(partners, names)
    default_columns = {
        name: _column_value(partners, name, value) for name, value in defaults.items()
    }
    env.cr.execute(
        SQL("SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)", len(vals_list))
    )
    ids = [record_id for (record_id,) in env.cr.fetchall()]
    context = {
        "uid": env.uid,
        "now": env.cr.now(),
        "claim_date": fields.Datetime.now(),
        "company_country": env.company.country_id,
    }
    rows = [
        {
            **default_columns,
            **{name: _column_value(partners, name, value, vals) for name, value in vals.items()},
            **_computed_columns(partners, record_id, {**defaults, **vals}, context),
        }
        for record_id, vals in zip(ids, vals_list, strict=True)
    ]
    columns = sorted(set().union(*rows))
    for start in range(0, len(rows), INSERT_BATCH):
        env.cr.execute(
            SQL(
                "INSERT INTO res_partner (%s) VALUES %s",
                SQL(", ").join(map(SQL.identifier, columns)),
                # a column a row does not give is NULL, as create's SQL DEFAULT
                SQL(", ").join(
                    tuple(row.get(column) for column in columns)
                    for row in rows[start : start + INSERT_BATCH]
                ),
            )
        )
    customers = partners.browse(ids)
    for field in recompute:
        env.add_to_compute(field, customers)
    customers._validate_fields(
        set(names) | set(defaults) | COMPUTED_HERE
    )  # create checks computed ones when computed
    customers.check_access("create")
    customers.filtered("user_id")._log_new_owners()
    return customers


def _defaults_and_recomputed(partners, names):
    """Default values of the columns the rows do not give, and the computed fields left to the
    ORM."""
    missing = [
        name
        for name, field in partners._fields.items()
        if field.store and name not in names and name not in COMPUTED_HERE
    ]
    defaults = partners.default_get(missing)
    recompute = [
        partners._fields[name]
        for name in missing
        if partners._fields[name].compute and name not in defaults
    ]
    defaults = {
        name: value for name, value in defaults.items() if partners._fields[name].column_type
    }
    return defaults, recompute


def _computed_columns(partners, record_id, vals, context):
    """Computed and log-access columns of one new customer whose values (given and default) are
    ``vals``."""
    name = vals.get("name") or ""
    columns = {
        "id": record_id,
        "commercial_partner_id": record_id,
        "complete_name": name.strip(),
        "commercial_company_name": name if vals.get("is_company") else None,
        "partner_share": True,
        "email_normalized": (vals.get("email") and email_normalize(vals["email"])) or None,
        "phone_sanitized": _sanitized_phone(partners, vals, context["company_country"]) or None,
        "pool_state": partners._pool_state_of(vals.get("is_customer"), vals.get("user_id")) or None,
        "reach_search_text": partners._reach_search_text_of(
            [(vals.get("phone"), vals.get("mobile"), vals.get("wechat_id"))]
        )
        or None,
        "create_uid": context["uid"],
        "create_date": context["now"],
        "write_uid": context["uid"],
        "write_date": context["now"],
    }
    if vals.get("user_id"):
        columns.update(
            claim_date=context["claim_date"], recall_warned=False
        )  # as create's claim_date write
    return columns


def _sanitized_phone(partners, vals, company_country):
    """As _compute_phone_sanitized: the first number that formats, in the partner's country or the
    company's."""
    country = partners.env["res.country"].browse(vals.get("country_id")) or company_country
    for fname in partners._phone_get_number_fields():
        if vals.get(fname):
            sanitized = partners._phone_format_number(vals[fname], country=country)
            if sanitized:
                return sanitized
    return False


def _column_value(partners, name, value, vals=None):
    return partners._fields[name].convert_to_column_insert(value, partners, vals)
