"""Shared set-up of the benchmarks: an Odoo environment on a separate database
(``sales_bench``, created with our modules on first use) and a deterministic
data generator that writes customers straight with SQL, fast."""

import os
import random
import statistics
import subprocess
import sys
import time
import zlib
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


def psql(*args, port=PGPORT):
    """psql on the bench database (its own connection; ``port``: another server of the
    cluster, e.g. its replica); returns what it prints."""
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "odoo", "-d", BENCH_DB, *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def vacuum_analyze():
    """VACUUM ANALYZE the bench database (its own connection: VACUUM cannot run in a transaction).
    After bulk inserts, index-only scans need the visibility map that autovacuum would set later."""
    psql("-qc", "VACUUM ANALYZE")


def machine_speed(rounds=3):
    """Seconds (median of ``rounds``) of a fixed CPU load in Python (10 million additions) and in
    PostgreSQL (a sum over 5 million generated rows): the figures without a standard to compare
    with (ms, pushes per s) follow the machine's speed, which varies between runs on a shared
    host."""

    def median_of(func):
        return statistics.median(timed(func, rounds))

    def python_load():
        total = 0
        for number in range(10_000_000):
            total += number
        return total

    return {
        "python": median_of(python_load),
        "postgresql": median_of(
            lambda: psql("-qAtc", "SELECT sum(i) FROM generate_series(1, 5000000) i")
        ),
    }


def odoo_server_command(port, workers, *options, cron_threads=0):
    """The command of an Odoo server on the bench database, on loopback ``port``, with
    ``cron_threads`` cron workers (none by default: the benchmarks run the jobs themselves)."""
    return [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(ROOT / "odoo.conf"),
        f"--addons-path={ROOT / 'addons'}",
        f"--data-dir={ROOT / '.run' / 'data'}",
        "--db_host=127.0.0.1",
        f"--db_port={PGPORT}",
        "--db_user=odoo",
        # --database without --db-filter: requests without a session cookie (WeChat's pushes)
        # would otherwise list the server's databases (a new connection) on each of them
        "-d",
        BENCH_DB,
        f"--workers={workers}",
        f"--max-cron-threads={cron_threads}",
        f"--http-port={port}",
        *options,
    ]


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


# Generated rows go in chunks, each committed whole: a run cut short (Ctrl-C, a lost connection)
# resumes at the first chunk that is missing, with the same values.
CHUNK = 50_000


def chunks(start, stop):
    """(chunk_start, chunk_stop) covering [start, stop), on CHUNK boundaries."""
    first = start - start % CHUNK
    return [(max(low, start), min(low + CHUNK, stop)) for low in range(first, stop, CHUNK)]


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
    industries = env["res.partner.industry"].search([]).ids or [None]

    def write(low, high):
        chunk_start = low - low % CHUNK
        rng = random.Random(f"{seed}:{chunk_start}")
        rows = [
            _customer_row(rng, index, reps, industries, env.company.id)
            for index in range(chunk_start, high)
        ][low - chunk_start :]
        _insert_customers_and_contacts(env, rows)

    write_in_chunks(env, "customers", existing, count, write)
    cr.execute("ANALYZE res_partner")
    cr.commit()
    return count


def write_in_chunks(env, label, existing, count, write):
    """``write(low, high)`` for the rows [existing, count), chunk by chunk, each committed whole,
    with the progress on stderr."""
    start = time.perf_counter()
    for low, high in chunks(existing, count):
        write(low, high)
        env.cr.commit()
        elapsed = time.perf_counter() - start
        print(
            f"{label}: {high - existing:,} of {count - existing:,} in {elapsed:.0f} s",
            file=sys.stderr,
            flush=True,
        )


def _customer_row(rng, index, reps, industries, company_id):
    owner = rng.choice(reps).id if rng.random() >= 0.4 else None
    name = f"{rng.choice(WORDS)}{rng.choice(KINDS)}{index:06d}有限公司"
    return (
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


def _insert_customers_and_contacts(env, rows):
    """The customers of ``rows`` and a contact for every other one (even ids), each row written
    once with what the ORM would compute (commercial partner, reach_search_text, which a contact
    leaves to its customer): no update after the insert, whose index maintenance would double the
    cost."""
    cr = env.cr
    cr.execute("SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)", [2 * len(rows)])
    ids = [row_id for (row_id,) in cr.fetchall()]
    reach_text = env["res.partner"]._reach_search_text_of
    customers, contacts = [], []
    for row, customer_id, contact_id in zip(rows, ids, ids[len(rows) :], strict=False):
        values = dict(zip(VALUE_COLUMNS, row, strict=True))
        people = [(values["phone"], values["mobile"], values["wechat_id"])]
        if customer_id % 2 == 0:
            mobile = f"1{zlib.crc32(values['customer_code'].encode()) % 10**10:010d}"
            contacts.append((contact_id, customer_id, mobile))
            people.append((None, mobile, None))
        customers.append((customer_id, customer_id, reach_text(people), *row))
    overrides = dict(
        type="'contact'",
        active="true",
        is_company="true",
        is_customer="true",
        parent_id="NULL",
        claim_date="CASE WHEN v.user_id IS NULL THEN NULL ELSE now() at time zone 'UTC' END",
    )
    columns = ("id", "commercial_partner_id", "reach_search_text", *VALUE_COLUMNS)
    insert_like(cr, "res_partner", _template_partner(cr), columns, customers, overrides)
    # fresh statistics, or the contacts' join to their customers may scan the table per row
    cr.execute("ANALYZE res_partner")
    _insert_contacts(cr, contacts)


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
    if "id" in value_columns:
        columns = ["id", *columns]
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


def _insert_contacts(cr, rows):
    """The contacts of ``rows`` (id, parent_id, mobile): the rest copied from
    their customer (owner, protection, status and address, as contacts carry them)."""
    from psycopg2.extras import execute_values  # noqa: PLC0415

    columns = ["id", *table_columns(cr, "res_partner")]
    overrides = dict(
        id="v.id",
        name="'联系人' || p.customer_code",
        complete_name="p.name || ', 联系人' || p.customer_code",
        parent_id="p.id",
        commercial_partner_id="p.id",
        type="'contact'",
        is_company="false",
        customer_code="NULL",
        wechat_id="NULL",
        phone="NULL",
        mobile="v.mobile",
        reach_search_text="NULL",
    )
    select = ", ".join(overrides.get(name, f"p.{name}") for name in columns)
    # columns from the catalog, expressions from the constants above: no outside input
    # pylint: disable-next=sql-injection
    execute_values(
        cr._obj,
        f"""
        INSERT INTO res_partner ({", ".join(columns)})
        SELECT {select}
          FROM (VALUES %s) AS v(id, parent_id, mobile)
          JOIN res_partner p ON p.id = v.parent_id
    """,
        rows,
        page_size=5000,
    )
