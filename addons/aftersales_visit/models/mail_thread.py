from odoo import models

# set in the context while the mail gateway routes an automatic reply (out of office...)
AUTOMATIC_REPLY_KEY = "mail_incoming_automatic_reply"
AUTOMATIC_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}


def is_automatic_reply(message):
    """Whether an incoming e-mail was sent by a machine (RFC 3834 Auto-Submitted, and the
    headers of common autoresponders), not typed by a person."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    return (
        auto_submitted != "no"
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        or (message.get("Precedence") or "").strip().lower() in AUTOMATIC_PRECEDENCE
    )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        routing = (
            self.with_context(**{AUTOMATIC_REPLY_KEY: True})
            if is_automatic_reply(message)
            else self
        )
        return super(MailThread, routing)._message_route_process(message, message_dict, routes)
