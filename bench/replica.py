"""The rep's customer list and quick search through Odoo servers on a streaming replica
(只读副本): the same JSON-RPC requests a browser sends, to one Odoo server on the primary alone and
to one with ``db_replica_host`` on the replica of scripts/run --replica, on the same generated
customers, in one run.

Prints, for each server, ours against standard Odoo and their ratio (the rep's list against the
admin's, our quick search as a rep against Odoo's default partner search as admin), then the share
of the requests' SQL queries the replica served: Odoo logs each request with its query count and
its cursor (``ro``: the replica; ``rw`` and ``ro->rw``: the primary), and PostgreSQL's own
transaction counts on both sides confirm it.

    python3 bench/replica.py [--customers 100000] [--rounds 9]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar

from common import (
    BENCH_DB,
    PGPORT,
    ROOT,
    ensure_database,
    ensure_reps,
    generate_customers,
    odoo_env,
    odoo_server_command,
    p95,
    psql,
)
from quick_search import TERMS, default_partner_domain
from run import CUSTOMERS, LIST_FIELDS

REPLICA_PORT = os.environ.get("PGREPLICA_PORT", "55433")
WORKERS = 2 * (os.cpu_count() or 1) + 1
SERVERS = {  # name: (HTTP port, extra options)
    "primary only": (int(os.environ.get("BENCH_HTTP_PORT", "8071")), []),
    "with replica": (
        int(os.environ.get("BENCH_HTTP_PORT", "8071")) + 10,
        ["--db_replica_host=127.0.0.1", f"--db_replica_port={REPLICA_PORT}"],
    ),
}
# werkzeug's request line, then Odoo's: query count, query time, other time, cursor mode
REQUEST_LINE = re.compile(r'"POST (\S+) HTTP/[\d.]+" \d+ - (\d+) [\d.]+ [\d.]+ (\S+)')


def start_replica():
    script = f'source "{ROOT}/scripts/common.sh"; find_odoo; start_postgresql; start_replica'
    subprocess.run(["bash", "-c", script], check=True)


def wait_replayed():
    """Until the replica has replayed everything the primary wrote (the generated data)."""
    lsn = psql_value(PGPORT, "SELECT pg_current_wal_lsn()")
    for _ in range(600):
        if psql_value(REPLICA_PORT, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'") == "t":
            return
        time.sleep(0.5)
    sys.exit("the replica did not catch up with the primary within 5 minutes")


def psql_value(port, query):
    return psql("-qtAc", query, port=port).strip()


def transactions(port):
    return int(
        psql_value(
            port,
            "SELECT xact_commit + xact_rollback FROM pg_stat_database"
            " WHERE datname = current_database()",
        )
    )


def start_server(name):
    port, options = SERVERS[name]
    logfile = ROOT / ".run" / f"bench-replica-{port}.log"
    logfile.unlink(missing_ok=True)
    cmd = odoo_server_command(
        port,
        WORKERS,
        "--log-level=info",
        f"--logfile={logfile}",
        "--limit-time-real=300",
        *options,
    )
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5).read()
            return server, logfile
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit(f"the Odoo server did not start: see {logfile}")


class Client:
    """A browser's session: JSON-RPC calls with its cookie."""

    def __init__(self, port, login, password):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.post(
            "/web/session/authenticate", {"db": BENCH_DB, "login": login, "password": password}
        )

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.base + path, body, {"Content-Type": "application/json"}
        )
        answer = json.loads(self.opener.open(request, timeout=300).read())
        if "error" in answer:
            sys.exit(f"{path}: {answer['error']['data']['message']}")
        return answer["result"]

    def web_search_read(self, domain, specification):
        """As the web client's list asks: a page of 80, counted up to 10,001."""
        return self.post(
            "/web/dataset/call_kw/res.partner/web_search_read",
            {
                "model": "res.partner",
                "method": "web_search_read",
                "args": [],
                "kwargs": {
                    "domain": domain,
                    "specification": specification,
                    "limit": 80,
                    "count_limit": 10_001,
                    "context": {"bin_size": True},
                },
            },
        )


def timed(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def alternate(ours, standard, rounds):
    """Samples of both sides, taken in turn (what the machine does meanwhile hits both)."""
    ours(), standard()  # warm-up
    samples = [], []
    for _ in range(rounds):
        samples[0].append(timed(ours))
        samples[1].append(timed(standard))
    return samples


def measure(port, rep_login, rounds):
    """Seconds of each measure on the server at ``port``: {label: (ours, standard)}."""
    rep = Client(port, rep_login, rep_login)
    admin = Client(port, "admin", "admin")
    list_spec = {
        field: ({"fields": {"display_name": {}}} if field in ("user_id", "industry_id") else {})
        for field in LIST_FIELDS
    }
    results = {}
    for label, domain in (
        ("customer list, first page", CUSTOMERS),
        ("customer search by name", CUSTOMERS + [("name", "ilike", "华信机电")]),
    ):
        ours, standard = alternate(
            lambda d=domain: rep.web_search_read(d, list_spec),
            lambda d=domain: admin.web_search_read(d, list_spec),
            rounds,
        )
        results[f"{label} (rep vs admin), median ms"] = (
            statistics.median(ours),
            statistics.median(standard),
        )
    ours, standard = [], []
    for term in TERMS:
        term_ours, term_standard = alternate(
            lambda t=term: rep.web_search_read(
                [("quick_search", "ilike", t)] + CUSTOMERS, {"display_name": {}}
            ),
            lambda t=term: admin.web_search_read(default_partner_domain(t), {"display_name": {}}),
            rounds,
        )
        ours += term_ours
        standard += term_standard
    results["quick search (rep vs default search), p95 ms"] = (p95(ours), p95(standard))
    return results


def queries_by_cursor(logfile):
    """{cursor mode: (requests, SQL queries)} of the JSON-RPC calls Odoo logged."""
    counts = {}
    for line in logfile.read_text(errors="replace").splitlines():
        match = REQUEST_LINE.search(line)
        if match and match.group(1).startswith("/web/dataset/call_kw"):
            requests_, queries = counts.get(match.group(3), (0, 0))
            counts[match.group(3)] = (requests_ + 1, queries + int(match.group(2)))
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        reps = ensure_reps(env)
        generate_customers(env, args.customers, reps)
        env.cr.commit()
        rep_login = reps[0].login
    start_replica()
    wait_replayed()

    table, replica_counts = {}, None
    for name in SERVERS:
        server, logfile = start_server(name)
        try:
            before = transactions(PGPORT), transactions(REPLICA_PORT)
            table[name] = measure(SERVERS[name][0], rep_login, args.rounds)
            time.sleep(11)  # PostgreSQL's backends report their statistics when idle (10 s)
            after = transactions(PGPORT), transactions(REPLICA_PORT)
        finally:
            server.terminate()
            server.wait(60)
        if name == "with replica":
            replica_counts = (
                queries_by_cursor(logfile),
                (after[0] - before[0], after[1] - before[1]),
            )
    print_table(table)
    print_share(*replica_counts)


def print_table(table):
    print(f"\n{'measure':48} {'server':13} {'ours':>8} {'standard':>9} {'ratio':>6}")
    for label in next(iter(table.values())):
        for name, results in table.items():
            ours, standard = results[label]
            print(
                f"{label:48} {name:13} {ours * 1000:8.1f} {standard * 1000:9.1f}"
                f" {ours / standard:6.2f}"
            )


def print_share(by_cursor, transactions_delta):
    total = sum(queries for _, queries in by_cursor.values())
    on_replica = by_cursor.get("ro", (0, 0))[1]
    print("\nwith replica: JSON-RPC calls and their SQL queries by cursor (Odoo's request log)")
    for mode, (requests_, queries) in sorted(by_cursor.items()):
        print(f"  {mode:6} {requests_:6} calls {queries:8} queries")
    print(
        f"share of the queries the replica served: {on_replica / total:.1%}"
        f" ({on_replica} of {total})"
    )
    primary, replica = transactions_delta
    print(
        f"PostgreSQL's transactions in {BENCH_DB} meanwhile: replica {replica},"
        f" primary {primary} (log-ins and the servers' own housekeeping)"
    )


if __name__ == "__main__":
    main()
