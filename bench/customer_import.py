"""Excel import of 100,000 customers: our import (a check of every row in the background, then
the import in background batches, each committed, as the scheduler runs them) against Odoo's own
base_import of the same rows into res.partner, on the same data. Each runs in its own process on
a copy of the bench database (dropped afterwards), so that each one's peak memory (RSS) is its
own. Prints the times, their ratio and the peak memory of each.

    python3 bench/customer_import.py [--rows 100000]
"""

import argparse
import base64
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH_DB, ensure_database, odoo_env, psql

HEADER = ["客户名称", "类型", "手机", "电话", "微信", "城市", "地址", "区域", "来源"]
FIELDS = ["name", False, "mobile", "phone", "wechat_id", "city", "street", False, False]


def make_file(rows, seed_prefix, taken=frozenset()):
    """``rows`` new customers; numbers in ``taken`` (those of the generated customers, which the
    import would rightly find as duplicates) are skipped."""
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    indexes = (
        index
        for index in range(rows * 2)
        if f"18{seed_prefix}{index:08d}" not in taken and f"021-{60000000 + index}" not in taken
    )
    for _row, index in zip(range(rows), indexes, strict=False):
        sheet.append(
            [
                f"导入客户{seed_prefix}{index:06d}有限公司",
                "公司",
                f"18{seed_prefix}{index:08d}",
                f"021-{60000000 + index}",
                f"imp_{seed_prefix}_{index}",
                "上海",
                f"{index}号 延安路",
                "East China",
                "Exhibition",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def taken_numbers():
    """The numbers of the generated customers (the import would rightly find them as duplicates)."""
    out = psql(
        "-Atc",
        "SELECT mobile FROM res_partner WHERE mobile LIKE '18%'"
        " UNION SELECT phone FROM res_partner WHERE phone LIKE '021-%'",
    )
    return frozenset(out.split())


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(env, path, rows):
    """Our import as a user runs it: check (in the background over 500 rows), then import,
    every background run as the scheduler runs it, each chunk committed."""
    admin = env.ref("base.user_admin")
    record = (
        env["res.partner.import"]
        .with_user(admin)
        .create({"file": base64.b64encode(Path(path).read_bytes()), "filename": "bench.xlsx"})
    )
    env.cr.commit()
    start = time.perf_counter()
    run_step(record, record.action_check, "checking")
    check = time.perf_counter() - start
    assert record.create_count == rows, (record.create_count, record.refused_count)
    run_step(record, record.action_import, "running")
    total = time.perf_counter() - start
    assert record.state == "done" and not record.refused_count, record.refused_count
    return {"seconds": total, "check_seconds": check}


def run_step(record, action, background_state):
    """The user's click, then the scheduler's runs while the import is in ``background_state``,
    each committed."""
    action()
    record.env.cr.commit()
    while record.state == background_state:
        record.env["res.partner.import"].sudo()._cron_process_imports()
        record.env.cr.commit()


def run_base_import(env, path, rows):
    """Odoo's import of the same rows in one request, as the web client sends it; rolled back."""
    admin = env.ref("base.user_admin")
    start = time.perf_counter()
    wizard = (
        env["base_import.import"]
        .with_user(admin)
        .create(
            {
                "res_model": "res.partner",
                "file": Path(path).read_bytes(),
                "file_name": "bench.xlsx",
                "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
    )
    result = wizard.execute_import(
        FIELDS, HEADER, {"has_headers": True, "quoting": '"', "separator": ","}
    )
    seconds = time.perf_counter() - start
    assert len(result["ids"]) == rows, result["messages"][:3]
    env.cr.rollback()
    return {"seconds": seconds}


def child(kind, path, rows):
    """One measure in this process; prints its figures as JSON."""
    with odoo_env() as env:
        env = env(context={"tracking_disable": True})
        env["res.partner"].search([], limit=1)  # the registry and its caches loaded
        before = peak_rss_mb()
        figures = (run_ours if kind == "ours" else run_base_import)(env, path, rows)
    figures.update(rss_before_mb=before, peak_rss_mb=peak_rss_mb())
    print(json.dumps(figures))


def run_child(kind, path, rows, database):
    env = dict(os.environ, BENCH_DB=database)
    command = [sys.executable, __file__, "--child", kind, "--file", path, "--rows", str(rows)]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(rows=100_000):
    """Figures of base_import and of ours on the same ``rows`` new customers, each in its own
    process on one copy of the bench database: base_import first (rolled back), then ours."""
    taken = taken_numbers()
    copy = f"{BENCH_DB}_import"
    with tempfile.TemporaryDirectory() as folder:
        ours_path, odoo_path = Path(folder, "ours.xlsx"), Path(folder, "odoo.xlsx")
        ours_path.write_bytes(make_file(rows, "1", taken))
        odoo_path.write_bytes(make_file(rows, "2", taken))
        psql("-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {copy}")
        psql("-d", "postgres", "-qc", f"CREATE DATABASE {copy} TEMPLATE {BENCH_DB}")
        try:
            standard = run_child("base", str(odoo_path), rows, copy)
            ours = run_child("ours", str(ours_path), rows, copy)
        finally:
            psql("-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {copy}")
    return ours, standard


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", choices=("ours", "base"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file, args.rows)
        return
    ensure_database()
    ours, standard = measure(args.rows)
    print(f"rows: {args.rows}")
    print(f"{'':34} {'seconds':>8} {'peak RSS MB':>12} {'RSS before MB':>14}")
    for label, figures in (
        ("Odoo base_import (res.partner)", standard),
        ("our import (check + import)", ours),
    ):
        print(
            f"{label:34} {figures['seconds']:8.1f} {figures['peak_rss_mb']:12.0f}"
            f" {figures['rss_before_mb']:14.0f}"
        )
    print(f"of which our check: {ours['check_seconds']:.1f} s")
    print(f"ratio ours/base_import: {ours['seconds'] / standard['seconds']:.2f}   target: <= 0.5")
    print(f"peak RSS ratio: {ours['peak_rss_mb'] / standard['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
