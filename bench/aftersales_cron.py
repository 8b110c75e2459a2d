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
import sys
import time
from datetime import date, timedelta

from common import ensure_database, ensure_reps, generate_customers, insert_like, odoo_env


def generate_delivered_orders(env, count, seed_due=0):
    """``count`` confirmed contracts of generated customers, each with one line and
    its first revisit planned in the coming half year (SQL, from ORM-made templates)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BSO%'")
    existing = cr.fetchone()[0]
    if existing >= count:
        return
    start = time.perf_counter()
    order_tpl, line_tpl, visit_tpl = _templates(env)
    cr.execute("""SELECT id, coalesce(user_id, 0) FROM res_partner
                   WHERE customer_code LIKE 'B%%' ORDER BY id LIMIT %s""", [count])
    customers = cr.fetchall()
    rows = [(f"BSO{i:07d}", pid, pid, pid, uid or None) for i, (pid, uid) in enumerate(customers) if i >= existing]
    order_ids = insert_like(cr, "sale_order", order_tpl,
                            ("name", "partner_id", "partner_invoice_id", "partner_shipping_id", "user_id"), rows,
                            {"state": "'sale'", "date_order": "now() at time zone 'UTC' - interval '3 days'"})
    insert_like(cr, "sale_order_line", line_tpl, ("order_id",), [(oid,) for oid in order_ids],
                {"order_partner_id": "(SELECT partner_id FROM sale_order WHERE id = v.order_id)"})
    flow = env.ref("aftersales_visit.visit_flow_delivery")
    stage = flow.stage_ids[:1]
    today = date.today()
    visit_rows = [(f"RVB{oid:08d}", oid, f"sale.order,{oid}:delivery", today + timedelta(days=1 + n % 180))
                  for n, oid in enumerate(order_ids)]
    insert_like(cr, "aftersales_visit", visit_tpl, ("name", "sale_order_id", "trigger_ref", "scheduled_date"),
                visit_rows, {"partner_id": "(SELECT partner_id FROM sale_order WHERE id = v.sale_order_id)",
                             "flow_id": str(flow.id), "stage_id": str(stage.id), "state": "'planned'",
                             "user_id": "NULL", "trigger": "'delivery_done'"})
    cr.execute("ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE aftersales_visit")
    cr.commit()
    print(f"generated {len(rows)} delivered contracts in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def _templates(env):
    """A contract, its line and its revisit made by the ORM, copied by the SQL inserts."""
    order = env["sale.order"].search([("name", "=", "BSO-TEMPLATE")], limit=1)
    if not order:
        customer = env["res.partner"].search([("customer_code", "=like", "B%")], limit=1)
        product = env["product.product"].create({"name": "Bench Widget", "type": "consu", "list_price": 100})
        order = env["sale.order"].create({
            "name": "BSO-TEMPLATE", "partner_id": customer.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
        })
        flow = env.ref("aftersales_visit.visit_flow_delivery")
        env["aftersales.visit"].create({
            "flow_id": flow.id, "stage_id": flow.stage_ids[0].id, "partner_id": customer.id,
            "sale_order_id": order.id, "trigger_ref": "bench-template", "state": "cancel",
        })
    visit = env["aftersales.visit"].search([("trigger_ref", "=", "bench-template")], limit=1)
    return order.id, order.order_line[0].id, visit.id


def make_due(env, count):
    """Put ``count`` revisits back to 'planned, due yesterday', as they were before any run."""
    cr = env.cr
    cr.execute("""SELECT id FROM aftersales_visit WHERE name LIKE 'RVB%%' ORDER BY id LIMIT %s""", [count])
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM aftersales_visit_answer WHERE visit_id = ANY(%s)", [ids])
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'aftersales.visit' AND res_id = ANY(%s)", [ids])
    cr.execute("""UPDATE aftersales_visit SET state = 'planned', user_id = NULL,
                         scheduled_date = current_date - 1 WHERE id = ANY(%s)""", [ids])
    cr.execute("""UPDATE aftersales_visit SET scheduled_date = current_date + 1
                   WHERE name LIKE 'RVB%%' AND scheduled_date <= current_date AND NOT id = ANY(%s)""", [ids])
    cr.execute("""SELECT sale_order_id FROM aftersales_visit WHERE id = ANY(%s)""", [ids])
    order_ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'sale.order' AND res_id = ANY(%s)", [order_ids])
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
        order.activity_schedule("mail.mail_activity_data_todo", date_deadline=date.today(),
                                user_id=(order.user_id or env.user).id, summary="回访客户")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        reps = ensure_reps(env)
        generate_customers(env, max(args.customers, args.orders), reps)
        generate_delivered_orders(env, args.orders)
        Visit = env["aftersales.visit"]

        order_ids = make_due(env, args.due)
        ours_s, ours_q = measured(env, Visit._cron_start_due_visits)
        opened = Visit.search_count([("sale_order_id", "in", order_ids), ("state", "=", "open")])
        assert opened == args.due, f"{opened} of {args.due} revisits opened"
        again_s, again_q = measured(env, Visit._cron_start_due_visits)
        std_s, std_q = measured(env, lambda: standard_reminders(env, order_ids))

        orders = env["sale.order"].browse(order_ids)
        env.cr.execute("DELETE FROM aftersales_visit WHERE sale_order_id = ANY(%s) AND trigger = 'contract_executed'",
                       [order_ids])
        flow = env.ref("aftersales_visit.visit_flow_delivery").copy({"name": "bench", "trigger": "contract_executed"})
        trig_s, trig_q = measured(env, lambda: env["aftersales.visit.flow"]._start_for("contract_executed", orders))
        twice_s, twice_q = measured(env, lambda: env["aftersales.visit.flow"]._start_for("contract_executed", orders))
        planned = Visit.search_count([("flow_id", "=", flow.id)])
        assert planned == args.due, f"{planned} revisits planned for {args.due} contracts"
        env.cr.execute("DELETE FROM aftersales_visit WHERE flow_id = %s", [flow.id])
        flow.unlink()
        env.cr.commit()
        total = Visit.search_count([])

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
    print(f"cron < 30 s at {args.orders:,} contracts: {'yes' if ours_s < 30 else 'NO'} ({ours_s:.1f} s)")


if __name__ == "__main__":
    main()
