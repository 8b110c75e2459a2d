"""The recall cron (公海回收) at full size: ``due`` of the generated customers made idle
(claimed 40 days ago, no follow-up), the others claimed yesterday.

    python3 bench/recall_cron.py [--due 1000]
"""

import argparse
import time
from datetime import timedelta

from common import ensure_database, odoo_env

SETTINGS = {"recall_followup_days": "30", "recall_warning_days": "0"}


def make_idle(env, due):
    """Make ``due`` generated customers idle and turn the recall on (committed); returns their ids
    and the settings to put back with ``restore``."""
    params = env["ir.config_parameter"].sudo()
    saved = {key: params.get_param(f"sales_pipeline.{key}") for key in SETTINGS}
    for key, value in SETTINGS.items():
        params.set_param(f"sales_pipeline.{key}", value)
    env.cr.execute("""
        UPDATE res_partner SET claim_date = now() at time zone 'UTC' - interval '1 day'
         WHERE customer_code LIKE 'B%%' AND pool_state = 'claimed'""")
    env.cr.execute(
        """UPDATE res_partner SET claim_date = now() at time zone 'UTC' - interval '40 days',
                                  last_followup_date = NULL
            WHERE id IN (SELECT id FROM res_partner WHERE customer_code LIKE 'B%%'
                            AND pool_state = 'claimed' AND NOT is_protected
                          ORDER BY id LIMIT %s)
        RETURNING id""",
        [due],
    )
    ids = sorted(row[0] for row in env.cr.fetchall())
    env.cr.commit()
    env.invalidate_all()
    return ids, saved


def restore(env, saved):
    env.cr.rollback()
    for key, value in saved.items():
        env["ir.config_parameter"].sudo().set_param(f"sales_pipeline.{key}", value or "0")
    env.cr.commit()


def left_idle(env):
    env.cr.execute(
        """SELECT count(*) FROM res_partner
            WHERE customer_code LIKE 'B%%' AND pool_state = 'claimed'
              AND claim_date < now() at time zone 'UTC' - %s""",
        [timedelta(days=30)],
    )
    return env.cr.fetchone()[0]


def most_due_in_a_day(env):
    """The most customers one day's run can find due: every recallable customer, left idle, is
    due once in the rule's days."""
    env.cr.execute(
        """SELECT count(*) FROM res_partner
            WHERE customer_code LIKE 'B%%' AND pool_state = 'claimed' AND parent_id IS NULL
              AND is_protected IS NOT TRUE"""
    )
    return env.cr.fetchone()[0] / int(SETTINGS["recall_followup_days"])


def measure(env, due=1000):
    """Seconds of one run of our recall cron with ``due`` idle customers among all."""
    _ids, saved = make_idle(env, due)
    try:
        start = time.perf_counter()
        env["res.partner"]._cron_recall_customers()
        seconds = time.perf_counter() - start
        left = left_idle(env)
        assert left == 0, f"{left} idle customers not recalled"
    finally:
        restore(env, saved)
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=1000)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        print(f"recall cron, {args.due} idle customers: {measure(env, args.due):.1f} s")


if __name__ == "__main__":
    main()
