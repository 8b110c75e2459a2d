import time

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import insert_once

# The longest push time window an account may set: a nonce is kept that long, so that
# widening the window never lets an old push in again.
MAX_WINDOW = 3600


class WechatCallbackNonce(models.Model):
    """A nonce of a push already received: the same signed query is refused if sent again."""

    _name = "wechat.callback.nonce"
    _description = "WeChat Push Nonce"
    _log_access = False

    account_id = fields.Many2one(
        comodel_name="wechat.account", required=True, ondelete="cascade", readonly=True
    )
    nonce = fields.Char(required=True, readonly=True)
    signed_at = fields.Integer(
        required=True, readonly=True, index=True, help="The push's signed timestamp."
    )

    _nonce_uniq = models.Constraint("unique(account_id, nonce)", "This push was received already.")

    @api.model
    def _claim(self, account_id, nonce, timestamp):
        """Record ``nonce``; False when the account received it already (a replay).

        In the caller's transaction: if the push is not stored, the nonce is not either.
        """
        insert = SQL(
            """INSERT INTO wechat_callback_nonce (account_id, nonce, signed_at)
               VALUES (%s, %s, %s)
               ON CONFLICT (account_id, nonce) DO NOTHING
               RETURNING id""",
            account_id,
            nonce[:64],
            int(timestamp),
        )
        return bool(insert_once(self.env.cr, insert))

    @api.model
    def _purge(self):
        """Forget the nonces whose pushes are outside any window now."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM wechat_callback_nonce WHERE signed_at < %s",
                int(time.time()) - MAX_WINDOW,
            )
        )
        return self.env.cr.rowcount
