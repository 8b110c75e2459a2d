"""Deterministic scale data for the benchmarks (into the bench database, never a real one):
N customers (default 100,000) with a contact for every other one, 50 reps, a project for
every other customer, a draft quotation for every fifth, and a delivered contract for each
customer (its line, its done delivery and its first revisit planned). Rows are copied in
batches with SQL from records the ORM made (``insert_like``), so that every column other
modules require is filled. Each kind goes in chunks of 50,000, each committed whole: a second
run adds only what is missing, and a run cut short resumes where it stopped, with the same values.

    python3 bench/generate.py [--customers 100000] [--reps 50]
    BENCH_DB=sales_bench_1m python3 bench/generate.py --customers 1000000 --reps 500
"""

import argparse
import time
from datetime import date, timedelta

from common import (
    ensure_database,
    ensure_reps,
    generate_customers,
    insert_like,
    odoo_env,
    vacuum_analyze,
    write_in_chunks,
)

ORDER_COLUMNS = ("name", "partner_id", "partner_invoice_id", "partner_shipping_id", "user_id")


def generate(env, customers=100_000, reps=50):
    """Everything, in order; returns a dict of the counts."""
    rep_users = ensure_reps(env, reps)
    generate_customers(env, customers, rep_users)
    generate_projects(env, customers // 2)
    generate_quotes(env, customers // 5)
    generate_delivered_orders(env, customers)
    env.cr.commit()
    vacuum_analyze()
    return counts(env)


def counts(env):
    cr = env.cr
    queries = {
        "customers": "SELECT count(*) FROM res_partner WHERE customer_code LIKE 'B%'",
        "contacts": "SELECT count(*) FROM res_partner p JOIN res_partner c ON c.id = p.parent_id "
        "WHERE c.customer_code LIKE 'B%'",
        "projects": "SELECT count(*) FROM crm_lead WHERE name LIKE 'BPRJ%'",
        "quotations": "SELECT count(*) FROM sale_order WHERE name LIKE 'BQ%'",
        "contracts": "SELECT count(*) FROM sale_order WHERE name LIKE 'BSO%'",
        "deliveries": "SELECT count(*) FROM stock_picking WHERE origin LIKE 'BSO%'",
        "revisits": "SELECT count(*) FROM aftersales_visit WHERE name LIKE 'RVB%'",
    }
    result = {}
    for label, query in queries.items():
        cr.execute(query)
        result[label] = cr.fetchone()[0]
    return result


def _customers(env, count, offset=0):
    env.cr.execute(
        """SELECT id, user_id FROM res_partner WHERE customer_code LIKE 'B%%'
                       ORDER BY id LIMIT %s OFFSET %s""",
        [count, offset],
    )
    return env.cr.fetchall()


def _existing(env, query):
    env.cr.execute(query)
    return env.cr.fetchone()[0]


def generate_projects(env, count):
    """An opportunity (project) for ``count`` customers, owned by the customer's rep."""
    existing = _existing(env, "SELECT count(*) FROM crm_lead WHERE name LIKE 'BPRJ%'")
    if existing >= count:
        return
    template = _template_project(env)
    customers = _customers(env, count)

    def write(low, high):
        insert_like(
            env.cr,
            "crm_lead",
            template,
            ("name", "partner_id", "user_id"),
            [(f"BPRJ{i:07d} 仓储改造项目", *customers[i]) for i in range(low, high)],
            {"type": "'opportunity'", "active": "true", "partner_commercial_id": "v.partner_id"},
        )

    write_in_chunks(env, "projects", existing, count, write)
    env.cr.execute("ANALYZE crm_lead")
    env.cr.commit()


def generate_quotes(env, count):
    """A draft quotation, with one line, for ``count`` customers."""
    existing = _existing(env, "SELECT count(*) FROM sale_order WHERE name LIKE 'BQ%'")
    if existing >= count:
        return
    order_tpl, line_tpl, _picking, _move, _visit = _templates(env)
    customers = _customers(env, count, offset=1)

    def write(low, high):
        order_ids = insert_like(
            env.cr,
            "sale_order",
            order_tpl,
            ORDER_COLUMNS,
            [(f"BQ{i:07d}", *_order_parties(customers[i])) for i in range(low, high)],
            {"state": "'draft'", "partner_commercial_id": "v.partner_id"},
        )
        _insert_lines(env, line_tpl, order_ids)

    write_in_chunks(env, "quotations", existing, count, write)


def _order_parties(customer):
    partner_id, user_id = customer
    return partner_id, partner_id, partner_id, user_id


def generate_delivered_orders(env, count):
    """``count`` confirmed contracts, each with a line, a done delivery and its move, and its
    first revisit planned in the coming half year."""
    existing = _existing(env, "SELECT count(*) FROM sale_order WHERE name LIKE 'BSO%'")
    if existing >= count:
        return
    templates = _templates(env)
    customers = _customers(env, count)

    def write(low, high):
        rows = [(f"BSO{i:07d}", *_order_parties(customers[i])) for i in range(low, high)]
        _insert_delivered_orders(env, templates, rows, first_index=low)

    write_in_chunks(env, "delivered contracts", existing, count, write)
    env.cr.execute(
        "ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE stock_picking; ANALYZE stock_move; "
        "ANALYZE aftersales_visit"
    )
    env.cr.commit()


def _insert_delivered_orders(env, templates, rows, first_index):
    """The contracts of ``rows`` with their line, done delivery, move and planned revisit."""
    cr = env.cr
    order_tpl, line_tpl, picking_tpl, move_tpl, visit_tpl = templates
    order_ids = insert_like(
        cr,
        "sale_order",
        order_tpl,
        ORDER_COLUMNS,
        rows,
        {
            "state": "'sale'",
            "date_order": "now() at time zone 'UTC' - interval '3 days'",
            "partner_commercial_id": "v.partner_id",
        },
    )
    line_ids = _insert_lines(env, line_tpl, order_ids, delivered=True)
    picking_ids = insert_like(
        cr,
        "stock_picking",
        picking_tpl,
        ("sale_id",),
        [(oid,) for oid in order_ids],
        {
            "name": "'BWH/OUT/' || v.sale_id",
            "origin": "(SELECT name FROM sale_order WHERE id = v.sale_id)",
            "partner_id": "(SELECT partner_id FROM sale_order WHERE id = v.sale_id)",
            "state": "'done'",
        },
    )
    insert_like(
        cr,
        "stock_move",
        move_tpl,
        ("picking_id", "sale_line_id"),
        list(zip(picking_ids, line_ids, strict=True)),
        {
            "partner_id": "(SELECT partner_id FROM stock_picking WHERE id = v.picking_id)",
            "state": "'done'",
            "origin": "(SELECT origin FROM stock_picking WHERE id = v.picking_id)",
        },
    )
    flow = env.ref("aftersales_visit.visit_flow_delivery")
    today = date.today()
    visit_rows = [
        (
            f"RVB{oid:08d}",
            oid,
            pick,
            f"sale.order,{oid}:delivery",
            today + timedelta(days=1 + (first_index + n) % 180),
        )
        for n, (oid, pick) in enumerate(zip(order_ids, picking_ids, strict=True))
    ]
    insert_like(
        cr,
        "aftersales_visit",
        visit_tpl,
        ("name", "sale_order_id", "picking_id", "trigger_ref", "scheduled_date"),
        visit_rows,
        {
            "partner_id": "(SELECT partner_id FROM sale_order WHERE id = v.sale_order_id)",
            "flow_id": str(flow.id),
            "stage_id": str(flow.stage_ids[:1].id),
            "state": "'planned'",
            "user_id": "NULL",
            "trigger": "'delivery_done'",
        },
    )


def _insert_lines(env, line_tpl, order_ids, delivered=False):
    return insert_like(
        env.cr,
        "sale_order_line",
        line_tpl,
        ("order_id",),
        [(oid,) for oid in order_ids],
        {
            "order_partner_id": "(SELECT partner_id FROM sale_order WHERE id = v.order_id)",
            "salesman_id": "(SELECT user_id FROM sale_order WHERE id = v.order_id)",
            "qty_delivered": "t.product_uom_qty" if delivered else "0",
        },
    )


def _template_project(env):
    lead = env["crm.lead"].search([("name", "=", "BPRJ-TEMPLATE")], limit=1)
    if not lead:
        customer = env["res.partner"].search([("customer_code", "=like", "B%")], limit=1)
        lead = env["crm.lead"].create(
            {"name": "BPRJ-TEMPLATE", "type": "opportunity", "partner_id": customer.id}
        )
    return lead.id


def _templates(env):
    """A contract, its line, delivery, move and revisit made by the ORM, copied by the inserts."""
    order = env["sale.order"].search([("name", "=", "BSO-TEMPLATE")], limit=1)
    if not order:
        customer = env["res.partner"].search([("customer_code", "=like", "B%")], limit=1)
        product = env["product.product"].create(
            {"name": "Bench Widget", "type": "consu", "list_price": 100}
        )
        order = env["sale.order"].create(
            {
                "name": "BSO-TEMPLATE",
                "partner_id": customer.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.button_validate()
    visit = env["aftersales.visit"].search([("sale_order_id", "=", order.id)], limit=1)
    if not visit:
        flow = env.ref("aftersales_visit.visit_flow_delivery")
        visit = env["aftersales.visit"].create(
            {
                "flow_id": flow.id,
                "stage_id": flow.stage_ids[0].id,
                "partner_id": order.partner_id.id,
                "sale_order_id": order.id,
                "trigger_ref": "bench-template",
                "state": "cancel",
            }
        )
    picking = order.picking_ids[:1]
    return order.id, order.order_line[0].id, picking.id, picking.move_ids[0].id, visit.id


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        start = time.perf_counter()
        result = generate(env, args.customers, args.reps)
        print(
            f"bench database ready in {time.perf_counter() - start:.1f} s: "
            + ", ".join(f"{count:,} {label}" for label, count in result.items())
        )


if __name__ == "__main__":
    main()
