import contextlib

from odoo import models
from odoo.exceptions import AccessError

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
