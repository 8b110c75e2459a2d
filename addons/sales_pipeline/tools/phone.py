"""Phone numbers as Odoo's phone search sees them: digits without separators."""

import re

from odoo.tools import SQL

# What Odoo's phone search strips from numbers (phone_validation's
# PHONE_REGEX_PATTERN): our number conditions use the same expression so that
# its trigram and btree indexes on res_partner.phone / .mobile serve them.
PHONE_SEPARATORS = r"[\s\\./\(\)\-]"


def phone_digits(number):
    """``number`` without the separators Odoo's phone search ignores."""
    return re.sub(PHONE_SEPARATORS, "", number or "")


def phone_digits_sql(column):
    """SQL of ``column`` without separators: the expression Odoo's phone indexes are built on."""
    return SQL(
        "regexp_replace(%s::text, %s::text, ''::text, 'g'::text)",
        column,
        SQL(f"'{PHONE_SEPARATORS}'"),
    )


def looks_like_number(digits):
    return len(digits) >= 3 and re.fullmatch(r"\+?\d+", digits) is not None
