"""Fault drill: PostgreSQL restarts while the recall cron runs on the full data.

``due`` generated customers are made idle; the recall cron runs in a child process in
batches; once some batches are committed, the cluster is restarted (``pg_ctl restart -m
fast``: every connection is cut, the transaction in flight is lost). Then it checks that

- the child failed on the lost connection (it did not finish before the restart);
- every recalled customer has exactly one recall in its history, and no customer has a
  recall without being back in the pool: no half-done batch;
- the recalled count is a whole number of batches;
- the next run (new connections through Odoo's pool) recalls the rest, each customer once.

    python3 bench/recall_restart.py [--due 3000] [--batch 100]

Needs the scripts' private cluster (scripts/run or scripts/test started it). Exits 1 on a
failed check.
"""

import argparse
import subprocess
import sys
import time

from common import PGPORT, ROOT, ensure_database, odoo_env, psql
from recall_cron import left_idle, make_idle, restore


def run_cron(batch):
    """The child: one run of the recall cron, as the scheduler runs it (a commit per batch)."""
    with odoo_env() as env:
        env["res.partner"]._cron_recall_customers(batch_size=batch)


def restart_postgresql():
    script = f"""
source "{ROOT}/scripts/common.sh"
find_pg_bin; choose_pgdata
as_pg_owner "$PG_BIN/pg_ctl" -D "$PGDATA" restart -m fast -w -o "-p {PGPORT}" >/dev/null
"""
    subprocess.run(["bash", "-c", script], check=True)


def count(query):
    return int(psql("-tAc", query).strip() or 0)


def last_error(stderr):
    errors = [line for line in stderr.splitlines() if "Error" in line]
    return errors[-1].strip()[:120] if errors else "no error printed"


def history(env, ids, since):
    """(customers back in the pool, their recalls since ``since``, customers recalled twice,
    recalls of customers still owned)."""
    env.cr.execute(
        """
        WITH recalls AS (
            SELECT partner_id, count(*) AS n FROM res_partner_pool_log
             WHERE action = 'recall' AND partner_id = ANY(%(ids)s) AND date >= %(since)s
             GROUP BY partner_id
        )
        SELECT (SELECT count(*) FROM res_partner WHERE id = ANY(%(ids)s) AND pool_state = 'pool'),
               (SELECT coalesce(sum(n), 0)::int FROM recalls),
               (SELECT count(*) FROM recalls WHERE n > 1),
               (SELECT count(*) FROM recalls JOIN res_partner p ON p.id = recalls.partner_id
                 WHERE p.pool_state != 'pool')
    """,
        {"ids": ids, "since": since},
    )
    return env.cr.fetchone()


def drill(due, batch):
    checks = []
    with odoo_env() as env:
        ids, saved = make_idle(env, due)
        env.cr.execute("SELECT now() at time zone 'UTC'")
        since = env.cr.fetchone()[0]
    try:
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", "--batch", str(batch)],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.time() + 120
        while (
            count(
                "SELECT count(*) FROM res_partner_pool_log"
                f" WHERE action = 'recall' AND date >= '{since}'"
            )
            < batch
        ):
            if child.poll() is not None or time.time() > deadline:
                sys.exit(
                    "the cron ended (or never started) before a batch was committed: raise --due"
                )
            time.sleep(0.05)
        restart_postgresql()
        child_error = child.communicate(timeout=120)[1]
        checks.append(
            (
                "the cron was cut by the restart",
                child.returncode != 0,
                f"exit {child.returncode}, {last_error(child_error)}",
            )
        )
        with odoo_env() as env:  # new connections: those of before died with the restart
            recalled, recalls, twice, owned = history(env, ids, since)
            checks.append(
                (
                    "customers recalled before the restart: each once, back in the pool",
                    0 < recalled < due and recalls == recalled and not twice and not owned,
                    f"{recalled} of {due} recalled, {recalls} recalls, {twice} twice,"
                    f" {owned} still owned",
                )
            )
            checks.append(
                (
                    "a whole number of batches",
                    recalled % batch == 0,
                    f"{recalled} = {recalled / batch:g} x {batch}",
                )
            )
            env["res.partner"]._cron_recall_customers(batch_size=batch)
            recalled, recalls, twice, owned = history(env, ids, since)
            checks.append(
                (
                    "the next run recalls the rest, each customer once",
                    recalled == due
                    and recalls == due
                    and not twice
                    and not owned
                    and left_idle(env) == 0,
                    f"{recalled} of {due} recalled, {recalls} recalls, {twice} twice,"
                    f" {owned} still owned",
                )
            )
    finally:
        with odoo_env() as env:
            restore(env, saved)
    return checks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_cron(args.batch)
        return
    ensure_database()
    checks = drill(args.due, args.batch)
    print(
        f"\nPostgreSQL restart during the recall cron ({args.due} idle customers,"
        f" batches of {args.batch})"
    )
    for label, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {detail}")
    sys.exit(0 if all(ok for _label, ok, _detail in checks) else 1)


if __name__ == "__main__":
    main()
