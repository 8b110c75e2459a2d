"""The customer's one history (客户详情的所有历史信息) at a customer with 10,000 events, read
by the rep who owns the customer (record rules on): a page of 80 lines of our history, newest
first (the first page and one deep in), against loading the separate lists the customer form
shows without it (the first 80 follow-ups, projects, quotations/contracts and tickets).

    python3 bench/customer_history.py [--events 10000] [--rounds 20]
"""

import argparse
import statistics

from common import (
    ensure_database,
    ensure_reps,
    insert_like,
    odoo_env,
    p95,
    timed,
    vacuum_analyze,
)

CUSTOMER = "Bench History Customer"
PAGE = 80
# the sources, each a quarter of the events: model, table, date column
SOURCES = [
    ("res.partner.followup", "res_partner_followup", "date"),
    ("crm.lead", "crm_lead", "create_date"),
    ("sale.order", "sale_order", "date_order"),
    ("aftersales.ticket", "aftersales_ticket", "opened_on"),
]
FIELDS = {
    "res.partner.followup": ["date", "content", "user_id"],
    "crm.lead": ["create_date", "name", "user_id", "stage_id"],
    "sale.order": ["date_order", "name", "amount_total", "state", "user_id"],
    "aftersales.ticket": ["opened_on", "number", "name", "stage_id", "user_id"],
}


def ensure_history(env, events):
    """The customer with ``events`` records spread over the last years (made once, committed)."""
    rep = ensure_reps(env, 1)
    Partner = env["res.partner"]
    customer = Partner.search([("name", "=", CUSTOMER)], limit=1)
    if not customer:
        customer = Partner.create(
            {"name": CUSTOMER, "is_company": True, "is_customer": True, "user_id": rep.id}
        )
    templates = {
        "res.partner.followup": lambda: env["res.partner.followup"].create(
            {"partner_id": customer.id, "user_id": rep.id, "content": "<p>拜访，了解需求。</p>"}
        ),
        "crm.lead": lambda: env["crm.lead"].create(
            {"name": "项目", "type": "opportunity", "partner_id": customer.id, "user_id": rep.id}
        ),
        "sale.order": lambda: env["sale.order"].create(
            {"partner_id": customer.id, "user_id": rep.id}
        ),
        "aftersales.ticket": lambda: env["aftersales.ticket"].create(
            {"name": "投诉", "ticket_type": "complaint", "partner_id": customer.id}
        ),
    }
    per_source = events // len(SOURCES)
    for model, table, date_column in SOURCES:
        field = "partner_commercial_id" if model == "crm.lead" else "partner_id"
        have = env[model].with_context(active_test=False).search_count([(field, "=", customer.id)])
        if have >= per_source:
            continue
        template = templates[model]()
        env.flush_all()
        rows = [(index,) for index in range(per_source - have - 1)]
        overrides = {date_column: "now() at time zone 'UTC' - v.n * interval '97 minutes'"}
        if model in ("sale.order", "aftersales.ticket"):
            overrides["name" if model == "sale.order" else "number"] = "'B' || v.n"
        insert_like(env.cr, table, template.id, ["n"], rows, overrides=overrides)
    env.cr.commit()
    vacuum_analyze()
    return customer, rep


def our_page(env, customer, offset):
    env.invalidate_all()
    env["res.partner.timeline"].search_read(
        [("partner_id", "=", customer.id)],
        ["date", "kind", "name", "user_id"],
        offset=offset,
        limit=PAGE,
    )


def separate_lists(env, customer):
    env.invalidate_all()
    for model, _table, date_column in SOURCES:
        field = "partner_commercial_id" if model == "crm.lead" else "partner_id"
        env[model].search_read(
            [(field, "=", customer.id)], FIELDS[model], limit=PAGE, order=f"{date_column} desc"
        )


def measure(env, events=10000, rounds=7):
    customer, rep = ensure_history(env, events)
    as_rep = env(user=rep)
    count = as_rep["res.partner.timeline"].search_count([("partner_id", "=", customer.id)])
    first = timed(lambda: our_page(as_rep, customer, 0), rounds)
    deep = statistics.median(timed(lambda: our_page(as_rep, customer, count // 2), rounds))
    lists = statistics.median(timed(lambda: separate_lists(as_rep, customer), rounds))
    return count, statistics.median(first), p95(first), deep, lists


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        count, first, first_p95, deep, lists = measure(env, args.events, args.rounds)
    print(f"history lines the rep reads: {count}")
    print(f"{'measure':<44}{'ours':>10}{'lists':>10}{'ratio':>8}")
    for label, ours in (("first page (80 lines)", first), ("a page in the middle", deep)):
        print(f"{label:<44}{ours * 1000:>8.1f}ms{lists * 1000:>8.1f}ms{ours / lists:>8.2f}")
    met = "yes" if first_p95 < 0.1 else "NO"
    print(
        f"first page p95 over {args.rounds} rounds: {first_p95 * 1000:.1f} ms "
        f"(target < 100 ms: {met})"
    )


if __name__ == "__main__":
    main()
