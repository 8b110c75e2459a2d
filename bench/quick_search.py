"""Quick search (快速检索) at scale: our quick search as a sales rep (record rules
on) against Odoo's default partner search as superuser (no rules), on the same
100k customers, in one run. Prints p50/p95 and their ratio.

    python3 bench/quick_search.py [--customers 100000] [--rounds 5]
"""

import argparse
import statistics
import time

from common import ensure_database, ensure_reps, generate_customers, odoo_env, p95

TERMS = [
    "华信",
    "机电0012",
    "B000123",
    "上海",
    "88号",
    "1391",
    "0512-",
    "wx_00456",
    "有限公司",
    "000077",
    "瑞丰物流",  # a company's name: its matches sort late in the name order
    "华信机电",
]


def default_partner_domain(term):
    """Odoo's own res.partner search view, field "name" (view_res_partner_filter)."""
    return [
        "|",
        "|",
        "|",
        "|",
        ("complete_name", "ilike", term),
        ("ref", "=", term),
        ("email", "ilike", term),
        ("vat", "ilike", term),
        ("company_registry", "ilike", term),
    ]


def measure(env, rep, rounds=5, standard_rounds=None):
    """p50/p95 seconds of our quick search as ``rep`` and of Odoo's default partner search
    (sudo), over ``rounds`` searches of each term (``standard_rounds`` for Odoo's, which takes
    seconds a term at 1M). A term's p95 over 5 rounds is its slowest search."""
    env.cr.execute("ANALYZE res_partner")  # fresh statistics, whatever ran before
    customers_only = [("is_customer", "=", True), ("parent_id", "=", False)]

    def run(model, domain_of, rounds):
        samples = {term: [] for term in TERMS}
        for _ in range(rounds):
            for term in TERMS:
                env.invalidate_all()
                start = time.perf_counter()
                model.search(domain_of(term), limit=80)
                samples[term].append(time.perf_counter() - start)
        return samples

    def all_of(samples):
        return [seconds for term_samples in samples.values() for seconds in term_samples]

    ours_model = env["res.partner"].with_user(rep)
    run(ours_model, lambda t: [("quick_search", "ilike", t)] + customers_only, rounds)  # warm-up
    ours = run(ours_model, lambda t: [("quick_search", "ilike", t)] + customers_only, rounds)
    standard = run(env["res.partner"].sudo(), default_partner_domain, standard_rounds or rounds)
    slowest = max(TERMS, key=lambda term: p95(ours[term]))
    return {
        "ours_p50": statistics.median(all_of(ours)),
        "ours_p95": p95(all_of(ours)),
        "standard_p50": statistics.median(all_of(standard)),
        "standard_p95": p95(all_of(standard)),
        # each term is a kind of term (a name, a code, a phone's digits, two characters...)
        "slowest_term": slowest,
        "slowest_term_p95": p95(ours[slowest]),
        "slowest_term_standard_p95": p95(standard[slowest]),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--standard-rounds", type=int, help="rounds of Odoo's search (--rounds)")
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        reps = ensure_reps(env)
        generate_customers(env, args.customers, reps)
        result = measure(env, reps[0], args.rounds, args.standard_rounds)
        print(f"terms: {len(TERMS)}  rounds: {args.rounds}")
        print(f"{'':36} {'p50 ms':>8} {'p95 ms':>8}")
        print(
            f"{'Odoo default partner search (sudo)':36} {result['standard_p50'] * 1000:8.1f} "
            f"{result['standard_p95'] * 1000:8.1f}"
        )
        print(
            f"{'quick search as a rep (rules on)':36} {result['ours_p50'] * 1000:8.1f} "
            f"{result['ours_p95'] * 1000:8.1f}"
        )
        print(
            f"slowest term for us: {result['slowest_term']}, p95 "
            f"{result['slowest_term_p95'] * 1000:.1f} ms"
        )
        print(
            f"ratio p95 ours/standard: {result['ours_p95'] / result['standard_p95']:.2f}"
            "   target: p95 < 50 ms for every term"
        )


if __name__ == "__main__":
    main()
