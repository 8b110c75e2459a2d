"""Shared set-up of the benchmarks: an Odoo environment on a separate database
(``sales_bench``, created with our modules on first use) and a deterministic
data generator that writes customers straight with SQL, fast."""

import os
import random
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB", "sales_bench")
PGPORT = os.environ.get("PGPORT", "55432")


def ensure_database():
    """Create the bench database with our modules unless it exists (needs scripts/run's cluster);
    update the modules whose version there is not the manifest's (scripts/common.sh's
    stale_modules)."""
    script = f"""
source "{ROOT}/scripts/common.sh"
find_odoo; start_postgresql
if ! database_exists "{BENCH_DB}"; then
    info "Creating the bench database {BENCH_DB}"
    odoo_cmd -d "{BENCH_DB}" -i "$(our_modules)" --stop-after-init --log-level=warn
else
    stale="$(stale_modules "{BENCH_DB}")"
    if [ -n "$stale" ]; then
        info "Updating $stale in {BENCH_DB}"
        odoo_cmd -d "{BENCH_DB}" -u "$stale" -i "$stale" --stop-after-init --log-level=warn
    fi
fi
"""
    subprocess.run(["bash", "-c", script], check=True)


def psql(*args):
    """psql on the bench database (its own connection); returns what it prints."""
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PGPORT, "-U", "odoo", "-d", BENCH_DB, *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def vacuum_analyze():
    """VACUUM ANALYZE the bench database (its own connection: VACUUM cannot run in a transaction).
    After bulk inserts, index-only scans need the visibility map that autovacuum would set later."""
    psql("-qc", "VACUUM ANALYZE")


@contextmanager
def odoo_env():
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            "-c",
            str(ROOT / "odoo.conf"),
            f"--addons-path={ROOT / 'addons'}",
            "--db_host=127.0.0.1",
            f"--db_port={PGPORT}",
            "--db_user=odoo",
            f"--data-dir={ROOT / '.run' / 'data'}",
            "-d",
            BENCH_DB,
            "--log-level=warn",
        ]
    )
    registry = Registry(BENCH_DB)
    with registry.cursor() as cr:
        yield api.Environment(cr, api.SUPERUSER_ID, {})


def timed(func, repeat=1):
    """Seconds of each of ``repeat`` calls of ``func``."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]


def ensure_reps(env, count=50):
    """``count`` sales reps (bench_rep_00 ...), created once."""
    from odoo.tests import new_test_user  # noqa: PLC0415

    Users = env["res.users"].with_context(active_test=False)
    reps = Users.search([("login", "=like", "bench_rep_%")], order="login")
    for index in range(len(reps), count):
        reps |= new_test_user(
            env,
            login=f"bench_rep_{index:02d}",
            name=f"Bench Rep {index:02d}",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
    env.cr.commit()
    return reps[:count]


CITIES = [
    "上海",
    "苏州",
    "杭州",
    "南京",
    "广州",
    "深圳",
    "北京",
    "天津",
    "成都",
    "武汉",
    "西安",
    "重庆",
]
WORDS = [
    "华信",
    "天和",
    "宏达",
    "民生",
    "东方",
    "远大",
    "恒通",
    "金源",
    "联创",
    "新华",
    "长城",
    "国泰",
    "瑞丰",
    "鑫盛",
    "永安",
    "中天",
    "嘉禾",
    "盛世",
    "海纳",
    "博远",
]
KINDS = ["机电", "建材", "电子", "食品", "化工", "物流", "医疗", "纺织", "软件", "汽配"]


def generate_customers(env, count, reps, seed=42):
    """Insert ``count`` customers (a contact for every other one) unless already there.

    Owners: 40 % in the pool, the rest spread over ``reps``; 5 % of the owned
    ones protected. Values are deterministic for a given seed.
    """
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE customer_code LIKE 'B%'")
    existing = cr.fetchone()[0]
    if existing >= count:
        return existing
    rng = random.Random(seed)
    industries = env["res.partner.industry"].search([]).ids or [None]
    company_id = env.company.id
    start = time.perf_counter()
    batch = []
    for index in range(existing, count):
        owner = rng.choice(reps).id if rng.random() >= 0.4 else None
        name = f"{rng.choice(WORDS)}{rng.choice(KINDS)}{index:06d}有限公司"
        batch.append(
            (
                name,
                name,
                f"B{index:07d}",
                owner,
                "claimed" if owner else "pool",
                bool(owner) and rng.random() < 0.05,
                rng.choice(CITIES),
                f"{rng.randint(1, 999)}号 {rng.choice(WORDS)}路",
                f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}",
                f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
                f"wx_{index:07d}",
                rng.choice(industries),
                company_id,
            )
        )
        if len(batch) == 5000 or index == count - 1:
            _insert_customers(cr, batch)
            batch = []
    _insert_contacts(cr)
    _fill_reach_search_text(cr)
    cr.execute("ANALYZE res_partner")
    cr.commit()
    print(
        f"generated {count - existing} customers in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return count


VALUE_COLUMNS = (
    "name",
    "complete_name",
    "customer_code",
    "user_id",
    "pool_state",
    "is_protected",
    "city",
    "street",
    "phone",
    "mobile",
    "wechat_id",
    "industry_id",
    "company_id",
)


def _template_partner(cr):
    """A customer made by the ORM whose other columns (not-null ones of every
    installed module included) the SQL inserts copy."""
    cr.execute("SELECT id FROM res_partner WHERE name = 'Bench Template Customer'")
    row = cr.fetchone()
    if row:
        return row[0]
    from odoo import api  # noqa: PLC0415

    env = api.Environment(cr, api.SUPERUSER_ID, {})
    return env["res.partner"].create({"name": "Bench Template Customer", "is_company": True}).id


def _insert_customers(cr, rows):
    overrides = dict(
        type="'contact'",
        active="true",
        is_company="true",
        is_customer="true",
        parent_id="NULL",
        commercial_partner_id="NULL",
        claim_date="CASE WHEN v.user_id IS NULL THEN NULL ELSE now() at time zone 'UTC' END",
    )
    inserted = insert_like(cr, "res_partner", _template_partner(cr), VALUE_COLUMNS, rows, overrides)
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [inserted])


def table_columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
                   WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position""",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def insert_like(cr, table, template_id, value_columns, rows, overrides=None):
    """Insert one row of ``table`` per tuple of ``rows``: the ``value_columns`` from the
    tuple (``v.<column>``), ``overrides`` as SQL expressions, every other column (the
    not-null ones of every installed module included) copied from row ``template_id``,
    which the ORM made. Returns the new ids."""
    from psycopg2.extras import execute_values  # noqa: PLC0415

    now = "now() at time zone 'UTC'"
    exprs = {name: f"v.{name}" for name in value_columns}
    exprs.update({"create_date": now, "write_date": now, **(overrides or {})})
    columns = table_columns(cr, table)
    select = ", ".join(exprs.get(name, f"t.{name}") for name in columns)
    return [
        row[0]
        for row in execute_values(
            cr._obj,
            f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {select}
          FROM (VALUES %s) AS v({", ".join(value_columns)})
          JOIN {table} t ON t.id = {template_id}
        RETURNING id
    """,
            rows,
            page_size=5000,
            fetch=True,
        )
    ]


def _insert_contacts(cr):
    """A contact with its own mobile for every other generated customer."""
    columns = table_columns(cr, "res_partner")
    overrides = dict(
        name="'联系人' || p.customer_code",
        complete_name="p.name || ', 联系人' || p.customer_code",
        parent_id="p.id",
        commercial_partner_id="p.id",
        type="'contact'",
        is_company="false",
        customer_code="NULL",
        wechat_id="NULL",
        phone="NULL",
        street="p.street",
        city="p.city",
        mobile="'1' || lpad((abs(hashtext(p.customer_code)) % 9999999999)::text, 10, '0')",
    )
    select = ", ".join(overrides.get(name, f"p.{name}") for name in columns)
    # columns from the catalog, expressions from the constants above: no outside input
    # pylint: disable-next=sql-injection
    cr.execute(f"""
        INSERT INTO res_partner ({", ".join(columns)})
        SELECT {select} FROM res_partner p
         WHERE p.customer_code LIKE 'B%' AND p.id % 2 = 0
           AND NOT EXISTS (SELECT 1 FROM res_partner c WHERE c.parent_id = p.id)
    """)


def _fill_reach_search_text(cr):
    """What res.partner._compute_reach_search_text stores, for the rows inserted by SQL."""
    from odoo.addons.sales_pipeline.tools.phone import PHONE_SEPARATORS  # noqa: PLC0415

    digits = "regexp_replace({}::text, '" + PHONE_SEPARATORS + "'::text, ''::text, 'g'::text)"
    own = "concat_ws(' ', {}, {}, {}.wechat_id)"
    partner_own = own.format(digits.format("p.phone"), digits.format("p.mobile"), "p")
    contact_own = own.format(digits.format("c.phone"), digits.format("c.mobile"), "c")
    # SQL built from the constants above and the module's separators: no outside input
    # pylint: disable-next=sql-injection
    cr.execute(f"""
        UPDATE res_partner p
           SET reach_search_text = NULLIF(concat_ws(' ',
                   {partner_own},
                   (SELECT string_agg({contact_own}, ' ')
                      FROM res_partner c WHERE c.parent_id = p.id)), '')
         WHERE p.reach_search_text IS NULL
           AND (p.customer_code LIKE 'B%' OR p.parent_id IS NOT NULL)
    """)
