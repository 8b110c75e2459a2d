"""Storing what WeChat pushes once, whatever requests run at the same time."""

import psycopg2.errors


def insert_once(cr, insert):
    """Run ``insert`` (an ``INSERT … ON CONFLICT DO NOTHING RETURNING …``): its row, or None when
    the row was there already.

    Also None when a concurrent request stored the row (or the queue job updated it) after this
    transaction's snapshot was taken: under REPEATABLE READ, PostgreSQL then fails the insert with
    a serialization error instead of doing nothing, and failing the request would make Odoo retry
    it after up to 2 s, holding the worker, while WeChat waits 5 s for an answer."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(insert, log_exceptions=False)
            return cr.fetchone()
    except psycopg2.errors.SerializationFailure:
        return None
