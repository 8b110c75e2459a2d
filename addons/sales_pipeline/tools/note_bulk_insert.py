"""Internal notes on many records in one INSERT, written as Odoo's batch log writes them.

Odoo's ``_message_log_batch`` creates its messages with one ``create``, but the ORM then adds each
new message to its record's cached message list through every ``mail.thread`` model's message
field (one pass over them per record): about 0.5 ms per note, the largest part of what handling a
WeChat text costs. ``log_notes`` writes the rows ``_message_log_batch`` writes: its values, the
model's defaults for the other columns, the body sanitized by the field; then it forgets the
records' cached message lists, as ``mail.message.create`` does.

It only runs where it was checked: when a module outside ``CHECKED_CREATE_MODULES`` overrides
``mail.message.create`` (it may do something with each new message), ``can_log_notes`` says no and
the caller uses the batch log. tests/test_note_bulk_insert.py compares, column by column, the rows
written here with the rows the batch log writes.
"""

from markupsafe import escape

from odoo.tools import SQL, clean_context
from odoo.tools.mail import generate_tracking_message_id

from .records import modules_overriding

# Modules whose mail.message.create() overrides do nothing more for an internal note without
# attachments, images or tracking values than what log_notes does (mail: attachments, tracking
# values, the records' cached message lists; sales_pipeline: checks for users, not the superuser).
CHECKED_CREATE_MODULES = frozenset({"mail", "sales_pipeline"})
# what the batch log leaves to create(): relations a note has none of, and the log columns
NOT_WRITTEN = frozenset({"id", "create_uid", "create_date", "write_uid", "write_date"})
# what mail.message.create() forgets of a record that gets a new message
RECORD_FIELDS_TO_FORGET = ["message_ids", "message_needaction", "message_needaction_counter"]


def can_log_notes(env):
    """Whether ``log_notes`` writes what the batch log would."""
    return modules_overriding(env["mail.message"], "create") <= CHECKED_CREATE_MODULES


def log_notes(records, bodies, author_id=None):
    """Log ``bodies`` ({record id: text}) as internal notes on ``records`` (one model's), as
    ``records._message_log_batch(bodies, author_id=author_id)`` does; returns the notes' ids."""
    env = records.env
    # as the batch log: no default_* key of the caller's context reaches the messages
    Message = env["mail.message"].sudo().with_context(clean_context(env.context))
    values = _batch_log_values(records, author_id)
    stored = [
        name
        for name, field in Message._fields.items()
        if field.store and field.column_type and name not in NOT_WRITTEN
    ]
    values = {**Message.default_get([name for name in stored if name not in values]), **values}
    now = env.cr.now()
    shared = {
        name: Message._fields[name].convert_to_column_insert(values.get(name), Message, values)
        for name in stored
        # a column without a value nor a default is left NULL, as create() leaves it
        if name in values and name not in ("res_id", "body")
    }
    shared.update(create_uid=env.uid, create_date=now, write_uid=env.uid, write_date=now)
    body_field = Message._fields["body"]
    column_body = {}  # each text sanitized once: the creation notes of a batch are all alike

    def body_of(record):
        text = bodies.get(record.id, "")
        if text not in column_body:
            column_body[text] = body_field.convert_to_column_insert(escape(text), Message, values)
        return column_body[text]

    rows = [{**shared, "res_id": record.id, "body": body_of(record)} for record in records]
    columns = sorted(rows[0]) if rows else []
    ids = []
    if rows:
        env.cr.execute(
            SQL(
                "INSERT INTO mail_message (%s) VALUES %s RETURNING id",
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL(", ").join(tuple(row[column] for column in columns) for row in rows),
            )
        )
        ids = [message_id for (message_id,) in env.cr.fetchall()]
    records.invalidate_recordset(RECORD_FIELDS_TO_FORGET)
    return ids


def _batch_log_values(records, author_id):
    """The values ``_message_log_batch`` gives each of its messages, but res_id and body."""
    author_id, email_from = records._message_compute_author(author_id, None)
    Thread = records.env["mail.thread"]
    return {
        "author_id": author_id,
        "email_from": email_from,
        "model": records._name,
        "record_alias_domain_id": False,
        "record_company_id": False,
        "message_type": "notification",
        "is_internal": True,
        "subject": False,
        "subtype_id": records.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
        "email_add_signature": False,
        "message_id": generate_tracking_message_id("message-notify"),
        "reply_to": Thread._notify_get_reply_to(default=email_from, author_id=author_id)[False],
    }
