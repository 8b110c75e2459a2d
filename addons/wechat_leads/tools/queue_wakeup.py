"""When a push must wake the queue job up, without a push ever left to wait for the job's
scheduled run, and without a waking per push while the job is at work.

The job holds the advisory lock RUNNING in each of its transactions. A push just stored takes
STORING (shared) to its commit, then tries RUNNING (shared):
- the job is at work: the push wakes nothing. Before the job stops, it waits for STORING, so for
  the commit of every push that found it at work, and looks for pushes once more;
- the job is idle: the push wakes it up, unless a waking made in the last seconds is pending that
  no run has begun to consume (a run begins by deleting its triggers, which locks them). An older
  one counts for nothing: the cron service missed it (it was starting) or is busy, and would run
  it at its next poll, a minute later; a new waking notifies it again.

Locks, not rows: a push's snapshot (REPEATABLE READ, taken at the request's first query) may not
see what the job has just committed; a lock is seen as it is now.
"""

import psycopg2.errors

LOCK_SPACE = 0x5743  # the first key of the two-key advisory locks of the WeChat queue
RUNNING = 1
STORING = 2
FRESH_SECONDS = 5


def hold_queue(cr):
    """Mark the job at work until this transaction ends: the job holds it in each transaction in
    which it looks for or handles pushes."""
    cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, RUNNING))


def await_pushes_being_stored(cr):
    """Return once every push that found the job at work is committed: the job's last look for
    pushes must be in a transaction that begins after this one."""
    cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, STORING))


def queue_job_running(cr):
    """For a push stored in this transaction: whether the job is at work (it then looks for this
    push before it stops). Holds STORING until the commit, and RUNNING too when the job is idle:
    a run that begins meanwhile waits for the commit."""
    cr.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", (LOCK_SPACE, STORING))
    cr.execute("SELECT pg_try_advisory_xact_lock_shared(%s, %s)", (LOCK_SPACE, RUNNING))
    return not cr.fetchone()[0]


def waking_pending(cr, cron_id):
    """Whether the job ``cron_id`` has a waking due, made in the last FRESH_SECONDS, that no run
    has begun to consume. Locks it until the commit, so that the run consuming it begins after
    this transaction.

    A waking being deleted by a run (locked), or deleted since this transaction's snapshot
    (a serialization error), does not count."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                """SELECT id
                     FROM ir_cron_trigger,
                          (SELECT statement_timestamp() AT TIME ZONE 'UTC' AS now) AS clock
                    WHERE cron_id = %s
                      AND call_at <= clock.now + interval '1 minute'
                      AND create_date > clock.now - %s * interval '1 second'
                    LIMIT 1
                      FOR KEY SHARE OF ir_cron_trigger SKIP LOCKED""",
                (cron_id, FRESH_SECONDS),
                log_exceptions=False,
            )
            return bool(cr.fetchone())
    except psycopg2.errors.SerializationFailure:
        return False
