"""Row locks that fail at once, with a message the user understands."""

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo.exceptions import UserError
from odoo.tools import SQL


def lock_rows(env, table, ids, message, touch=False, flush=True):
    """Lock the rows ``ids`` of ``table`` for this transaction, or raise ``message``.

    ``FOR NO KEY UPDATE NOWAIT`` fails when another transaction holds a row; under
    repeatable read it also fails when another transaction changed a row since
    ours began. ``touch`` rewrites the rows, so that a concurrent transaction
    that read them before our commit fails in turn. ``flush=False`` keeps
    pending writes for later (they may touch rows someone else holds).
    Not ``FOR UPDATE``: that one also waits for the key-share locks that inserting a
    row pointing to this one takes (a wizard on a contract), so two users opening
    their wizards at once would both be refused.
    """
    try:
        with env.cr.savepoint(flush=flush):
            env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE NOWAIT",
                    SQL.identifier(table),
                    tuple(ids),
                )
            )
            if touch:
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET write_date = write_date WHERE id IN %s",
                        SQL.identifier(table),
                        tuple(ids),
                    )
                )
    except (LockNotAvailable, SerializationFailure):
        raise UserError(message) from None
