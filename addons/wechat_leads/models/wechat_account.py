import logging

import requests
from wechatpy.exceptions import WeChatClientException

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from odoo.addons.sales_pipeline.tools.actions import window_action

from ..tools import redact
from ..tools.wechat_client import OFFICIAL_API, AccountClient

_logger = logging.getLogger(__name__)

# What a network or WeChat failure raises; the sync and the sends catch these only.
API_ERRORS = (WeChatClientException, requests.RequestException, ValueError, KeyError)
DEFAULT_PUSH_WINDOW = 300  # seconds


class WechatAccount(models.Model):
    _name = "wechat.account"
    _description = "WeChat Official Account"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    app_id = fields.Char(string="AppID", required=True, index=True, copy=False)
    app_secret = fields.Char(string="AppSecret", groups="base.group_system", copy=False)
    token = fields.Char(
        groups="base.group_system",
        copy=False,
        help="The Token entered in the official account's server configuration; "
        "signs every callback.",
    )
    encoding_aes_key = fields.Char(
        string="EncodingAESKey",
        groups="base.group_system",
        copy=False,
        help="43 characters, from the official account's server configuration "
        "(safe and compatible modes).",
    )
    encrypt_mode = fields.Selection(
        selection=[("plain", "Plain Text"), ("compatible", "Compatible"), ("safe", "Safe (AES)")],
        string="Message Encryption",
        required=True,
        default="safe",
    )
    api_base_url = fields.Char(
        string="API Address",
        groups="base.group_system",
        default=OFFICIAL_API,
        help="WeChat's API address. Change it only for a proxy or a test stand-in.",
    )
    push_window = fields.Integer(
        string="Push Time Window (s)",
        required=True,
        default=DEFAULT_PUSH_WINDOW,
        help="A push signed longer ago (or further ahead) than this many seconds is refused, "
        "and so is one whose nonce was received already: a signed query seen in a proxy or "
        "a log cannot be sent again. Keep the server's clock right (NTP).",
    )
    callback_url = fields.Char(string="Callback URL", compute="_compute_callback_url")
    conversion_trigger = fields.Selection(
        selection=[
            ("auto", "Automatically, on subscription"),
            ("manual", "By Hand (a rep presses Convert)"),
        ],
        string="Convert Followers",
        required=True,
        default="manual",
    )
    conversion_target = fields.Selection(
        selection=[
            ("lead", "A Lead"),
            ("pool", "A Customer in the Public Pool"),
            ("scene_owner", "A Customer of the Rep whose QR Code was Scanned"),
        ],
        string="Followers Become",
        required=True,
        default="scene_owner",
        help="Followers who came without a rep's QR code go to the public pool "
        "(or, converted by hand, to the rep who converts them).",
    )
    quote_template_id = fields.Char(
        string="Quotation Template Message ID",
        help="ID of a template message approved for the account (keys first, keyword1..3, remark). "
        "Empty: quotations are sent as a text message with their link.",
    )
    follower_ids = fields.One2many(comodel_name="wechat.follower", inverse_name="account_id")
    follower_count = fields.Integer(compute="_compute_follower_count")
    next_openid = fields.Char(readonly=True, copy=False, help="Where the follower sync goes on.")
    last_sync = fields.Datetime(readonly=True, copy=False)
    sync_error = fields.Text(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Why the last sync failed (credentials masked).",
    )

    _app_id_uniq = models.Constraint("unique(app_id)", "This AppID is already configured.")
    _push_window_range = models.Constraint(
        "CHECK(push_window BETWEEN 30 AND 3600)",
        "The push time window is between 30 seconds and one hour.",
    )

    def _compute_callback_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for account in self:
            account.callback_url = (
                f"{base}/wechat/callback/{account.app_id}" if account.app_id else False
            )

    def _compute_follower_count(self):
        counts = dict(
            self.env["wechat.follower"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.follower_count = counts.get(account, 0)

    @api.constrains("encrypt_mode", "encoding_aes_key")
    def _check_aes_key(self):
        for account in self.sudo():
            if account.encrypt_mode != "plain" and len(account.encoding_aes_key or "") != 43:
                raise ValidationError(
                    self.env._(
                        "The EncodingAESKey of %s must have 43 characters for the compatible and safe modes.",  # noqa: E501
                        account.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if not {
            "app_id",
            "token",
            "encoding_aes_key",
            "encrypt_mode",
            "push_window",
            "active",
        }.isdisjoint(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache("app_id")
    def _callback_settings(self, app_id):
        """(id, token, EncodingAESKey, mode, push window) of the active account ``app_id``, or
        None. Cached: the callback reads it on every push."""
        account = self.sudo().search([("app_id", "=", app_id)], limit=1)
        if not account:
            return None
        return (
            account.id,
            account.token,
            account.encoding_aes_key,
            account.encrypt_mode,
            account.push_window,
        )

    def action_view_followers(self):
        self.ensure_one()
        return window_action(
            self.env,
            xmlid="wechat_leads.wechat_follower_action",
            domain=[("account_id", "=", self.id)],
        )

    def action_sync_now(self):
        """Sync now (administrators): the error, if any, is shown to them, credentials masked."""
        self.ensure_one()
        self.check_access("write")
        if not self._sync_followers():
            raise UserError(self.env._("WeChat did not answer as expected: %s", self.sync_error))
        return True

    # ------------------------------------------------------------------
    # API client and its shared token
    # ------------------------------------------------------------------

    def _client(self):
        self.ensure_one()
        return AccountClient(self)

    def _read_token(self):
        """(token, expires at) stored for this account, as committed now, or None."""
        self.ensure_one()
        return self.env["wechat.account.token"].sudo()._read(self.id)

    def _swap_token(self, expected, token, expires):
        """Store ``token`` unless another worker replaced ``expected`` first; what is stored."""
        self.ensure_one()
        return self.env["wechat.account.token"].sudo()._swap(self.id, expected, token, expires)

    def _api_error_for_user(self, error, refused_message, unreachable_message):
        """A UserError for anyone: WeChat's error code at most, never the request (its URL
        carries the AppSecret or the access token); the details go to the log."""
        _logger.warning("WeChat call of %s failed: %s", self.app_id, self._api_error_detail(error))
        code = getattr(error, "errcode", None)
        if not code:
            return UserError(unreachable_message)
        return UserError(
            self.env._("%(message)s (WeChat error %(code)s).", message=refused_message, code=code)
        )

    def _api_error_detail(self, error):
        """``error`` as text for the log and the administrators, the credentials of these
        accounts masked (and any secret= or access_token= of a URL)."""
        secrets = []
        for account in self.sudo():
            secrets += [account.app_secret, account.token, account.encoding_aes_key]
            secrets.append((account._read_token() or (None,))[0])
        return redact(str(error) or error.__class__.__name__, *secrets)

    # ------------------------------------------------------------------
    # Follower sync
    # ------------------------------------------------------------------

    @api.model
    def _cron_sync_followers(self):
        """Bring followers and their details from WeChat; failures are logged and retried next
        run."""
        # every active official account: a handful, each synced in turn
        for account in self.search([]):  # pylint: disable=no-search-all
            account._sync_followers()
            self.env["ir.cron"]._commit_progress(1)

    def _sync_followers(self, page_limit=50):
        self.ensure_one()
        try:
            self._sync_tags()
            self._sync_follower_list(page_limit)
            self._sync_follower_details()
        except API_ERRORS as error:
            detail = self._api_error_detail(error)
            _logger.warning("WeChat sync of %s failed, will retry: %s", self.app_id, detail)
            self.sudo().sync_error = detail
            return False
        self.sudo().write({"sync_error": False, "last_sync": fields.Datetime.now()})
        return True

    def _sync_tags(self):
        """The account's follower tags (tags/get), by their WeChat id."""
        Tag = self.env["wechat.follower.tag"].sudo()
        existing = {tag.wechat_tag_id: tag for tag in Tag.search([("account_id", "=", self.id)])}
        for item in self._client().tag.get():
            tag = existing.get(item["id"])
            if not tag:
                Tag.create(
                    {"account_id": self.id, "wechat_tag_id": item["id"], "name": item["name"]}
                )
            elif tag.name != item["name"]:
                tag.name = item["name"]

    def _sync_follower_list(self, page_limit):
        """Page through user/get from where the last run stopped; add the openids we lack."""
        client = self._client()
        Follower = self.env["wechat.follower"].sudo()
        for _page in range(page_limit):
            result = client.user.get_followers(self.next_openid or None)
            openids = (result.get("data") or {}).get("openid") or []
            Follower._ensure_followers(self, openids)
            next_openid = result.get("next_openid") or False
            done = not openids or not next_openid or next_openid == self.next_openid
            self.next_openid = False if done else next_openid
            if done:
                return

    def _sync_follower_details(self, batch_size=100):
        """user/info/batchget for the followers whose details are missing."""
        client = self._client()
        Follower = self.env["wechat.follower"].sudo()
        while followers := Follower.search(
            [("account_id", "=", self.id), ("info_pending", "=", True)],
            limit=batch_size,
            order="id",
        ):
            infos = client.user.get_batch(followers.mapped("openid"))
            followers._apply_user_infos(infos)
