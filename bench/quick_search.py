"""Quick search (快速检索) at scale: our quick search as a sales rep (record rules
on) against Odoo's default partner search as superuser (no rules), on the same
100k customers, in one run. Prints p50/p95 and their ratio.

    python3 bench/quick_search.py [--customers 100000] [--rounds 5]
"""
import argparse
import statistics

from common import ensure_database, ensure_reps, generate_customers, odoo_env, p95

TERMS = ["华信", "机电0012", "B000123", "上海", "88号", "1391", "0512-", "wx_00456", "有限公司", "000077"]


def default_partner_domain(term):
    """Odoo's own res.partner search view, field "name" (view_res_partner_filter)."""
    return ["|", "|", "|", "|", ("complete_name", "ilike", term), ("ref", "=", term),
            ("email", "ilike", term), ("vat", "ilike", term), ("company_registry", "ilike", term)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        reps = ensure_reps(env)
        generate_customers(env, args.customers, reps)
        env.cr.execute("ANALYZE res_partner")  # fresh statistics, whatever ran before
        rep = reps[0]
        Ours = env["res.partner"].with_user(rep)
        Standard = env["res.partner"].sudo()
        customers_only = [("is_customer", "=", True), ("parent_id", "=", False)]
        import time

        def run(model, domain_of):
            samples = []
            for _ in range(args.rounds):
                for term in TERMS:
                    env.invalidate_all()
                    start = time.perf_counter()
                    model.search(domain_of(term), limit=80)
                    samples.append(time.perf_counter() - start)
            return samples

        run(Ours, lambda t: [("quick_search", "ilike", t)] + customers_only)  # warm-up
        ours = run(Ours, lambda t: [("quick_search", "ilike", t)] + customers_only)
        standard = run(Standard, default_partner_domain)
        count = env["res.partner"].sudo().search_count(customers_only)
        print(f"customers: {count}  terms: {len(TERMS)}  rounds: {args.rounds}")
        print(f"{'':36} {'p50 ms':>8} {'p95 ms':>8}")
        print(f"{'Odoo default partner search (sudo)':36} {statistics.median(standard) * 1000:8.1f} {p95(standard) * 1000:8.1f}")
        print(f"{'quick search as a rep (rules on)':36} {statistics.median(ours) * 1000:8.1f} {p95(ours) * 1000:8.1f}")
        print(f"ratio p95 ours/standard: {p95(ours) / p95(standard):.2f}   target: p95 < 50 ms")


if __name__ == "__main__":
    main()
