"""Excel import of 10,000 customers: our import (check, then import, with its
duplicate, phone, list and quota checks) against Odoo's own base_import of the
same file into res.partner, in one run on the same database. Prints the times
and their ratio; the imported rows are rolled back.

    python3 bench/customer_import.py [--rows 10000]
"""

import argparse
import base64
import io

from common import ensure_database, odoo_env, timed

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


def measure(env, rows=10_000):
    """Seconds of our import (check + import) and of base_import for the same ``rows``; rolled
    back."""
    env = env(context={"tracking_disable": True})
    env.cr.execute(
        "SELECT mobile FROM res_partner WHERE mobile LIKE '18%%'"
        " UNION SELECT phone FROM res_partner WHERE phone LIKE '021-%%'"
    )
    taken = {number for (number,) in env.cr.fetchall()}
    ours_file = make_file(rows, "1", taken)
    odoo_file = make_file(rows, "2", taken)

    def run_ours():
        record = env["res.partner.import"].create(
            {"file": base64.b64encode(ours_file), "filename": "bench.xlsx"}
        )
        record.action_check()
        record.state = "running"
        record._process_pending_lines()
        assert record.create_count == rows, (record.create_count, record.refused_count)

    def run_base_import():
        wizard = env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": odoo_file,
                "file_name": "bench.xlsx",
                "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        result = wizard.execute_import(
            FIELDS, HEADER, {"has_headers": True, "quoting": '"', "separator": ","}
        )
        assert len(result["ids"]) == rows, result["messages"][:3]

    savepoint = env.cr.savepoint()
    ours = timed(run_ours)[0]
    savepoint.rollback()
    savepoint = env.cr.savepoint()
    standard = timed(run_base_import)[0]
    savepoint.rollback()
    env.cr.rollback()
    return ours, standard


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        ours, standard = measure(env, args.rows)
        print(f"rows: {args.rows}")
        print(f"{'Odoo base_import (res.partner)':34} {standard:7.1f} s")
        print(f"{'our import (check + import)':34} {ours:7.1f} s")
        print(f"ratio ours/base_import: {ours / standard:.2f}   target: <= 0.5")


if __name__ == "__main__":
    main()
