import contextlib
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import AccessError

from ..tools.note_bulk_insert import can_log_notes, log_notes
from ..tools.records import as_record_id


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """A user adds as followers only partners they may read: a hidden customer made a
        follower of one's own record would show its name and e-mail in the followers list."""
        ids = [as_record_id(partner_id) for partner_id in partner_ids or []]
        if ids:
            self.env["res.partner"].browse(i for i in ids if i)._check_linkable()
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def message_post(self, **kwargs):
        """Posting on a record our rules hide gets the answer posting on a missing one gets."""
        self._raise_if_hidden_as_missing()
        return super().message_post(**kwargs)

    def _partner_find_from_emails_single(self, emails, *args, **kwargs):
        # the chatter's "suggested recipients" of a record our rules hide: as for a missing one
        self._raise_if_hidden_as_missing()
        return super()._partner_find_from_emails_single(emails, *args, **kwargs)

    def _raise_if_hidden_as_missing(self):
        if self.env.su:
            return
        # a MissingError when our rules hide it; hidden by one of Odoo's, Odoo answers as it does
        with contextlib.suppress(AccessError):
            self.check_access("read")

    def _post_notes(self, notes):
        """Post the internal notes ``notes``, (record, body, author id or None) in their order,
        with what ``message_post`` gives them, but together: where a user follows the notes of a
        record, its notes are posted one by one so that the user is notified as for any note;
        the others are logged in batches (as Odoo's batch log, one message each, written with one
        INSERT per batch where that was checked: see tools/note_bulk_insert.py)."""
        records = self.browse(dict.fromkeys(record.id for record, _body, _author in notes))
        followed = records._followed_for_notes()
        batches = defaultdict(dict)  # (author, rank on its record) -> {record id: body}
        rank = defaultdict(int)
        for record, body, author_id in notes:
            if record in followed:
                record.sudo().message_post(
                    body=body, subtype_xmlid="mail.mt_note", author_id=author_id
                )
                continue
            rank[record] += 1
            batches[author_id, rank[record]][record.id] = body
        in_bulk = can_log_notes(self.env)
        for (author_id, _rank), bodies in batches.items():
            if in_bulk:
                log_notes(self.browse(bodies), bodies, author_id=author_id)
            else:
                self.browse(bodies)._message_log_batch(bodies, author_id=author_id)

    @api.model
    def _create_logged_in_bulk(self, vals_list):
        """``create(vals_list)``, the creation notes Odoo logs on the new records written with one
        INSERT (see tools/note_bulk_insert.py) instead of one ORM create each. Where a creation
        subtype asks Odoo to notify the records' followers, or the caller asked for no note, or
        the bulk INSERT was not checked, ``create`` alone."""
        if (
            self.env.context.get("mail_create_nolog")
            or self.env.context.get("tracking_disable")
            or self._creation_subtype()
            or not can_log_notes(self.env)
        ):
            return self.create(vals_list)
        records = self.with_context(mail_create_nolog=True).create(vals_list).with_env(self.env)
        if records:
            log_notes(records, {record.id: record._creation_message() for record in records})
        return records

    def _followed_for_notes(self):
        """Those of these records with a follower subscribed to internal notes."""
        subscriptions = (
            self.env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("subtype_ids", "=", self.env.ref("mail.mt_note").id),
                ]
            )
        )
        return self.browse(subscriptions.mapped("res_id"))
