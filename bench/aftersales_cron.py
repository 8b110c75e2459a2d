"""Revisit flows at scale (售后回访): 100k delivered contracts, each with its first
revisit planned. Measures, in one run on the same data:

- the cron that opens due revisits (assigns, copies the questions, puts an activity on
  the assignee's list) against standard Odoo doing the same reminder its own way
  (``activity_schedule`` on each contract, as an automated action would);
- the trigger (planning stage 1 when contracts are executed), per contract;
- the whole cron run at 100k contracts with a day's worth of due revisits.

    python3 bench/aftersales_cron.py [--orders 100000] [--due 1000]
"""

import argparse
import time
from datetime import date

from common import ensure_database, ensure_reps, generate_customers, odoo_env
from generate import generate_delivered_orders


def make_due(env, count):
    """Put ``count`` revisits back to 'planned, due yesterday', as they were before any run."""
    cr = env.cr
    cr.execute(
        """SELECT id FROM aftersales_visit WHERE name LIKE 'RVB%%' ORDER BY id LIMIT %s""", [count]
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM aftersales_visit_answer WHERE visit_id = ANY(%s)", [ids])
    cr.execute(
        "DELETE FROM mail_activity WHERE res_model = 'aftersales.visit' AND res_id = ANY(%s)", [ids]
    )
    cr.execute(
        """UPDATE aftersales_visit SET state = 'planned', user_id = NULL,
                         scheduled_date = current_date - 1 WHERE id = ANY(%s)""",
        [ids],
    )
    cr.execute(
        """UPDATE aftersales_visit SET scheduled_date = current_date + 1
            WHERE name LIKE 'RVB%%' AND scheduled_date <= current_date AND NOT id = ANY(%s)""",
        [ids],
    )
    cr.execute("""SELECT sale_order_id FROM aftersales_visit WHERE id = ANY(%s)""", [ids])
    order_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "DELETE FROM mail_activity WHERE res_model = 'sale.order' AND res_id = ANY(%s)", [order_ids]
    )
    cr.commit()
    env.invalidate_all()
    return order_ids


def measured(env, func):
    import odoo.sql_db  # noqa: PLC0415

    env.invalidate_all()
    queries = odoo.sql_db.sql_counter
    start = time.perf_counter()
    func()
    env.cr.commit()
    return time.perf_counter() - start, odoo.sql_db.sql_counter - queries


def standard_reminders(env, order_ids):
    """Standard Odoo: a to-do activity on each contract for its salesperson."""
    orders = env["sale.order"].browse(order_ids)
    for order in orders:
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date.today(),
            user_id=(order.user_id or env.user).id,
            summary="回访客户",
        )


def measure(env, due=1000, ours_only=False):
    """Our due-revisit cron, the same reminders the standard way, and the trigger, on ``due``
    contracts (``ours_only``: our cron alone, run twice)."""
    Visit = env["aftersales.visit"]
    order_ids = make_due(env, due)
    ours_s, ours_q = measured(env, Visit._cron_start_due_visits)
    opened = Visit.search_count([("sale_order_id", "in", order_ids), ("state", "=", "open")])
    assert opened == due, f"{opened} of {due} revisits opened"
    again_s, again_q = measured(env, Visit._cron_start_due_visits)
    if ours_only:
        return {"ours": (ours_s, ours_q), "again": (again_s, again_q)}
    std_s, std_q = measured(env, lambda: standard_reminders(env, order_ids))
    orders = env["sale.order"].browse(order_ids)
    flow = env.ref("aftersales_visit.visit_flow_delivery").copy(
        {"name": "bench", "trigger": "contract_executed"}
    )
    trig_s, trig_q = measured(
        env, lambda: env["aftersales.visit.flow"]._start_for("contract_executed", orders)
    )
    twice_s, twice_q = measured(
        env, lambda: env["aftersales.visit.flow"]._start_for("contract_executed", orders)
    )
    planned = Visit.search_count([("flow_id", "=", flow.id)])
    assert planned == due, f"{planned} revisits planned for {due} contracts"
    env.cr.execute("DELETE FROM aftersales_visit WHERE flow_id = %s", [flow.id])
    flow.unlink()
    env.cr.commit()
    return {
        "ours": (ours_s, ours_q),
        "again": (again_s, again_q),
        "standard": (std_s, std_q),
        "trigger": (trig_s, trig_q),
        "trigger_again": (twice_s, twice_q),
        "revisits": Visit.search_count([]),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--ours-only", action="store_true", help="our cron alone (large --due)")
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        reps = ensure_reps(env)
        generate_customers(env, max(args.customers, args.orders), reps)
        generate_delivered_orders(env, args.orders)
        result = measure(env, args.due, args.ours_only)
    if args.ours_only:
        (ours_s, ours_q), (again_s, again_q) = result["ours"], result["again"]
        print(f"\nRevisit cron at {args.orders:,} delivered contracts, {args.due:,} due")
        print(f"open due revisits (our cron): {ours_s:.2f} s, {ours_q / args.due:.2f} queries each")
        print(f"cron again, nothing due: {again_s:.2f} s")
        print(f"cron < 30 s: {'yes' if ours_s < 30 else 'NO'}")
        return
    (ours_s, ours_q), (std_s, std_q) = result["ours"], result["standard"]
    (again_s, again_q), (trig_s, trig_q), (twice_s, twice_q) = (
        result["again"],
        result["trigger"],
        result["trigger_again"],
    )
    total = result["revisits"]
    n = args.due
    print(f"\nRevisit crons at {args.orders:,} delivered contracts ({total:,} revisits), {n:,} due")
    print(f"{'':44}{'seconds':>9}{'ms/order':>10}{'queries/order':>15}")
    rows = [
        ("open due revisits (our cron)", ours_s, ours_q),
        ("same reminders, standard activity_schedule", std_s, std_q),
        ("cron again, nothing due (idempotent)", again_s, again_q),
        ("plan stage 1 on execution (trigger)", trig_s, trig_q),
        ("trigger again, same contracts (no-op)", twice_s, twice_q),
    ]
    for label, seconds, queries in rows:
        print(f"{label:44}{seconds:9.2f}{seconds * 1000 / n:10.2f}{queries / n:15.2f}")
    print(f"\nratio ours / standard (time): {ours_s / std_s:.2f}   (queries): {ours_q / std_q:.2f}")
    met = "yes" if ours_s < 30 else "NO"
    print(f"cron < 30 s at {args.orders:,} contracts: {met} ({ours_s:.1f} s)")


if __name__ == "__main__":
    main()
