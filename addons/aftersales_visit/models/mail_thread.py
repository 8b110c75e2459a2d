import re

from odoo import api, models
from odoo.tools.mail import decode_message_header

# set in the context while the mail gateway routes an automatic reply (out of office...)
AUTOMATIC_REPLY_KEY = "mail_incoming_automatic_reply"
# set (always, by message_process itself) to whether the caller is the mail gateway: the
# superuser (fetchmail) or a system user (the mailgate script), not any user calling the method
TRUSTED_GATEWAY_KEY = "mail_incoming_trusted_gateway"
AUTOMATIC_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
AUTOMATIC_SUBJECT = re.compile(
    r"^\s*(自动回复|自動回覆|自动答复|Automatic reply|Auto[- ]?reply|Autoreply|Out of (the )?office"
    r"|Abwesenheitsnotiz|R[ée]ponse automatique)",
    re.IGNORECASE,
)


def is_automatic_reply(message):
    """Whether an incoming e-mail was sent by a machine (RFC 3834 Auto-Submitted, the headers of
    common autoresponders, their subjects), not typed by a person."""
    auto_submitted = {
        (value or "").strip().lower() for value in message.get_all("Auto-Submitted") or []
    }
    precedence = {(value or "").strip().lower() for value in message.get_all("Precedence") or []}
    return (
        bool(auto_submitted - {"no"})
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        or bool(precedence & AUTOMATIC_PRECEDENCE)
        or bool(AUTOMATIC_SUBJECT.match(decode_message_header(message, "Subject") or ""))
    )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        # message_process is public: any user may call it over RPC with any From header
        trusted = self.env.su or self.env.user._is_system()
        gateway = self.with_context(**{TRUSTED_GATEWAY_KEY: trusted})
        return super(MailThread, gateway).message_process(
            model,
            message,
            custom_values=custom_values,
            save_original=save_original,
            strip_attachments=strip_attachments,
            thread_id=thread_id,
        )

    def _message_route_process(self, message, message_dict, routes):
        routing = (
            self.with_context(**{AUTOMATIC_REPLY_KEY: True})
            if is_automatic_reply(message)
            else self
        )
        return super(MailThread, routing)._message_route_process(message, message_dict, routes)
