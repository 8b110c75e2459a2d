from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL


class WechatAccountToken(models.Model):
    """The access token of an official account, shared by every worker. A row apart from the
    account's: refreshing it never waits for, nor makes fail, a transaction that writes the
    account (the follower sync does, for hours of network calls in the worst case)."""

    _name = "wechat.account.token"
    _description = "WeChat Access Token"
    _log_access = False

    account_id = fields.Many2one(
        comodel_name="wechat.account", required=True, ondelete="cascade", readonly=True
    )
    access_token = fields.Char(readonly=True, groups="base.group_system")
    expires_at = fields.Integer(readonly=True, help="When it expires, in seconds since 1970.")

    _account_uniq = models.Constraint("unique(account_id)", "An account has one access token.")

    @api.model
    def _read(self, account_id):
        """(token, expires at) of ``account_id`` as committed now, or None."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT access_token, expires_at FROM wechat_account_token "
                    "WHERE account_id = %s",
                    account_id,
                )
            )
            row = cr.fetchone()
        return (row[0], row[1] or 0) if row else None

    @api.model
    def _swap(self, account_id, expected, token, expires):
        """Store ``token`` if the stored token is still ``expected`` (None: none stored), in a
        transaction of its own; return what is stored then: ours, or the one another worker
        stored meanwhile."""
        try:
            with self.env.registry.cursor() as cr:
                cr.execute(
                    SQL(
                        """INSERT INTO wechat_account_token (account_id, access_token, expires_at)
                           VALUES (%(account)s, %(token)s, %(expires)s)
                           ON CONFLICT (account_id) DO UPDATE
                              SET access_token = EXCLUDED.access_token,
                                  expires_at = EXCLUDED.expires_at
                            WHERE wechat_account_token.access_token
                                  IS NOT DISTINCT FROM %(expected)s
                           RETURNING id""",
                        account=account_id,
                        token=token or None,
                        expires=expires or 0,
                        expected=expected or None,
                    )
                )
                swapped = bool(cr.fetchone())
        except SerializationFailure:
            swapped = False  # another worker wrote it since our snapshot: theirs stands
        return (token, expires) if swapped else self._read(account_id)
