"""Planner settings for one statement: plain functions, no ORM."""

from contextlib import contextmanager

from odoo.tools import SQL

# Nested loops over an index: for a list of keys looked up on an expression index whose
# selectivity PostgreSQL misjudges (it then sorts or hashes the whole table for each list).
INDEX_LOOKUP_SETTINGS = {
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "enable_bitmapscan": "off",
    "jit": "off",
}


@contextmanager
def planner_settings(cr, settings):
    """Run the statements of the block with ``settings`` ({name: value}), then put back the
    values they had (transaction-local, as SET LOCAL)."""
    names = sorted(settings)
    cr.execute(SQL("SELECT %s", SQL(", ").join(SQL("current_setting(%s)", name) for name in names)))
    before = dict(zip(names, cr.fetchone(), strict=True))
    _set(cr, settings)
    try:
        yield
    finally:
        _set(cr, before)


def _set(cr, settings):
    cr.execute(
        SQL(
            "SELECT %s",
            SQL(", ").join(
                SQL("set_config(%s, %s, true)", name, value) for name, value in settings.items()
            ),
        )
    )
