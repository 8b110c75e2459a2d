from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.sales_pipeline.tools.locking import lock_rows


class WechatFollower(models.Model):
    """A follower of an official account (微信粉丝), and the lead or customer it became."""

    _name = "wechat.follower"
    _description = "WeChat Follower"
    _inherit = ["mail.thread"]
    _order = "subscribe_time desc, id desc"
    _rec_name = "nickname"

    account_id = fields.Many2one(
        comodel_name="wechat.account", required=True, ondelete="cascade", index=True
    )
    openid = fields.Char(string="OpenID", required=True, readonly=True)
    unionid = fields.Char(string="UnionID", readonly=True, index="btree_not_null")
    nickname = fields.Char(tracking=True)
    avatar_url = fields.Char(string="Avatar")
    city = fields.Char()
    province = fields.Char()
    country = fields.Char()
    language = fields.Char()
    remark = fields.Char(help="The remark the account gave this follower in WeChat.")
    mobile = fields.Char(
        help="When known (a form, a conversation): used to find the customer already entered."
    )
    subscribed = fields.Boolean(default=True, readonly=True, tracking=True)
    subscribe_time = fields.Datetime(readonly=True)
    unsubscribe_time = fields.Datetime(readonly=True)
    subscribe_scene = fields.Char(
        readonly=True, help="How the follower came (ADD_SCENE_QR_CODE, ADD_SCENE_SEARCH...)."
    )
    qr_scene = fields.Char(string="QR Scene", readonly=True)
    qrcode_id = fields.Many2one(
        comodel_name="wechat.qrcode", string="Rep QR Code", readonly=True, index="btree_not_null"
    )
    scene_user_id = fields.Many2one(
        related="qrcode_id.user_id", string="Rep of the QR Code", store=True
    )
    tag_ids = fields.Many2many(comodel_name="wechat.follower.tag", string="Tags", readonly=True)
    info_pending = fields.Boolean(
        readonly=True, default=True, help="Details still to be fetched from WeChat."
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
        index="btree_not_null",
        tracking=True,
    )
    lead_id = fields.Many2one(
        comodel_name="crm.lead", readonly=True, index="btree_not_null", tracking=True
    )
    state = fields.Selection(
        selection=[("new", "New"), ("lead", "Lead"), ("customer", "Customer")],
        compute="_compute_state",
        store=True,
    )
    message_log_ids = fields.One2many(
        comodel_name="wechat.message", inverse_name="follower_id", string="WeChat Messages"
    )
    last_message = fields.Text(readonly=True)
    last_message_date = fields.Datetime(readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)

    _openid_uniq = models.Constraint("unique(account_id, openid)", "This follower already exists.")

    @api.depends("partner_id", "lead_id")
    def _compute_state(self):
        for follower in self:
            follower.state = (
                "customer" if follower.partner_id else "lead" if follower.lead_id else "new"
            )

    @api.depends("nickname", "openid")
    def _compute_display_name(self):
        for follower in self:
            follower.display_name = follower.nickname or follower.openid

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_convert(self):
        """Make leads or customers of these followers (as the account says); skip converted ones."""
        todo = self.filtered(lambda f: f.state == "new")
        if not todo:
            raise UserError(self.env._("These followers are already leads or customers."))
        todo._convert(by_hand=True)
        return True

    def action_new_quotation(self):
        """A quotation for this follower's customer, created first when needed (one click from
        WeChat)."""
        self.ensure_one()
        if not self.partner_id:
            self._convert_to_customer(by_hand=True)
        action = self.partner_id.action_new_quotation()
        action["context"] = dict(action["context"], default_origin=self.env._("WeChat"))
        return action

    def action_new_contract(self):
        """A contract for this follower's customer, made directly."""
        action = self.action_new_quotation()
        action["context"] = dict(action["context"], default_is_contract=True)
        return action

    # ------------------------------------------------------------------
    # Events from the callback (run by the message queue)
    # ------------------------------------------------------------------

    @api.model
    def _ensure_followers(self, account, openids):
        """Followers of ``account`` for ``openids``, created (details pending) when missing."""
        existing = self.search([("account_id", "=", account.id), ("openid", "in", openids)])
        missing = set(openids) - set(existing.mapped("openid"))
        created = self._create_logged_in_bulk(
            [{"account_id": account.id, "openid": openid} for openid in sorted(missing)]
        )
        return existing | created

    def _on_subscribe(self, when, scene=None):
        self.ensure_one()
        self._record_subscriptions([(self, when, scene)])

    @api.model
    def _record_subscriptions(self, subscriptions):
        """The (follower, when, scene) ``subscriptions``, in their order; then the followers
        the account converts by itself are converted together."""
        for follower, when, scene in subscriptions:
            values = {
                "subscribed": True,
                "subscribe_time": when,
                "unsubscribe_time": False,
                "info_pending": True,
            }
            if scene:
                values.update(
                    qr_scene=scene,
                    qrcode_id=follower._qrcode_of(scene).id or follower.qrcode_id.id,
                )
            follower.write(values)
        followers = self.browse(dict.fromkeys(follower.id for follower, _w, _s in subscriptions))
        followers.filtered(
            lambda follower: (
                follower.account_id.conversion_trigger == "auto" and follower.state == "new"
            )
        )._convert(by_hand=False)

    def _on_scan(self, when, scene):
        """An existing follower scanned a rep's QR code: the rep is remembered, the subscription
        kept. A follower WeChat had not told us about yet counts as subscribing now."""
        self.ensure_one()
        if not self.subscribe_time:
            return self._on_subscribe(when, scene=scene)
        qrcode = self._qrcode_of(scene)
        if qrcode:
            self.write({"qr_scene": scene, "qrcode_id": qrcode.id})

    def _qrcode_of(self, scene):
        """The rep QR code of this follower's account that carries ``scene``, if any."""
        return (
            self.env["wechat.qrcode"]
            .sudo()
            .search([("account_id", "=", self.account_id.id), ("scene", "=", scene)], limit=1)
        )

    def _on_unsubscribe(self, when):
        self.write({"subscribed": False, "unsubscribe_time": when})

    def _on_text(self, when, content):
        self.ensure_one()
        self._record_texts([(self, when, content)])
        self._react_to_text(content)

    def _react_to_text(self, content):
        """Hook: what a text of this follower sets off, once it is recorded."""
        self.ensure_one()

    @api.model
    def _record_texts(self, texts):
        """Record the (follower, when, content) ``texts``, in their order: each follower's last
        message, and each text as a note on its chatter (together, see ``_post_notes``)."""
        latest = {}
        for follower, when, content in texts:
            latest[follower] = (when, content)
        for follower, (when, content) in latest.items():
            follower.write({"last_message": content, "last_message_date": when})
        self._post_notes(
            [
                (follower, content, follower.partner_id.id or None)
                for follower, _when, content in texts
            ]
        )

    def _apply_user_infos(self, infos):
        """Details from user/info/batchget; the followers not in ``infos`` are done too."""
        by_openid = {info.get("openid"): info for info in infos}
        tags = self.env["wechat.follower.tag"].sudo()
        for follower in self:
            info = by_openid.get(follower.openid)
            values = {"info_pending": False}
            if info and info.get("subscribe", 1):
                tag_ids = tags.search(
                    [
                        ("account_id", "=", follower.account_id.id),
                        ("wechat_tag_id", "in", info.get("tagid_list") or []),
                    ]
                ).ids
                values.update(
                    {
                        "unionid": info.get("unionid") or follower.unionid,
                        "nickname": info.get("nickname") or follower.nickname,
                        "avatar_url": info.get("headimgurl") or follower.avatar_url,
                        "city": info.get("city"),
                        "province": info.get("province"),
                        "country": info.get("country"),
                        "language": info.get("language"),
                        "remark": info.get("remark"),
                        "subscribe_scene": info.get("subscribe_scene"),
                        "subscribed": True,
                        "tag_ids": [fields.Command.set(tag_ids)],
                    }
                )
                if info.get("subscribe_time"):
                    values["subscribe_time"] = datetime.fromtimestamp(int(info["subscribe_time"]))
                if info.get("qr_scene_str") and not follower.qr_scene:
                    values["qr_scene"] = info["qr_scene_str"]
            elif info:
                values["subscribed"] = False
            follower.write(values)

    # ------------------------------------------------------------------
    # Conversion
    # ------------------------------------------------------------------

    def _convert(self, by_hand):
        to_leads = self.filtered(lambda follower: follower.account_id.conversion_target == "lead")
        to_leads._convert_to_leads(by_hand)
        for follower in self - to_leads:
            follower._convert_to_customer(by_hand)

    def _conversion_owner(self, by_hand):
        """The rep of the scanned QR code; for a conversion by hand, else the rep who converts."""
        if self.account_id.conversion_target == "pool" and not by_hand:
            return self.env["res.users"]
        if self.scene_user_id:
            return self.scene_user_id
        if (
            by_hand
            and self.account_id.conversion_target != "pool"
            and self.env.user.has_group("sales_team.group_sale_salesman")
        ):
            return self.env.user
        return self.env["res.users"]

    def _convert_to_leads(self, by_hand):
        """A lead for each of these followers, made together."""
        if not self:
            return self.env["crm.lead"]
        leads = (
            self.env["crm.lead"]
            .sudo()
            .create([follower._lead_values(by_hand) for follower in self])
        )
        for follower, lead in zip(self, leads, strict=True):
            follower.sudo().lead_id = lead
        self._post_notes(
            [
                (follower, self.env._("Lead %s created.", lead.name), None)
                for follower, lead in zip(self, leads, strict=True)
            ]
        )
        return leads

    def _lead_values(self, by_hand):
        self.ensure_one()
        return {
            "name": self.env._("WeChat follower %s", self.display_name),
            "type": "lead",
            "contact_name": self.nickname or self.openid,
            "phone": self.mobile,
            "user_id": self._conversion_owner(by_hand).id,
            "description": self.env._(
                "Followed %(account)s on %(date)s.",
                account=self.account_id.name,
                date=fields.Datetime.to_string(self.subscribe_time) or "-",
            ),
            "company_id": self.company_id.id,
        }

    def _convert_to_customer(self, by_hand):
        self.ensure_one()
        customer = self._find_customer()
        if customer:
            self.sudo().partner_id = customer
            customer.sudo().wechat_id = customer.sudo().wechat_id or self._wechat_key()
            self.message_post(
                body=self.env._(
                    "Linked to the customer already entered, %s.", customer.sudo().name
                ),
                subtype_xmlid="mail.mt_note",
            )
            return customer
        owner = self._conversion_owner(by_hand)
        over_quota = False
        if by_hand and owner == self.env.user:
            self.env["res.partner"]._check_owner_quota(owner, "claimed", 1)
        elif owner and self._owner_at_quota(owner):
            over_quota, owner = owner, self.env["res.users"]
        customer = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": self.nickname or self.env._("WeChat follower %s", self.openid[-6:]),
                    "is_company": True,
                    "is_customer": True,
                    "user_id": owner.id,
                    "mobile": self.mobile,
                    "wechat_id": self._wechat_key(),
                    "city": self.city,
                    "source_id": self.env.ref("sales_pipeline.res_partner_source_wechat").id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.sudo().partner_id = customer
        self.message_post(
            body=self.env._(
                "Customer %(name)s created (%(owner)s).",
                name=customer.name,
                owner=owner.name or self.env._("public pool"),
            ),
            subtype_xmlid="mail.mt_note",
        )
        if over_quota:
            note = self.env._(
                "Came through the QR code of %(rep)s, who already holds the most customers "
                "allowed (%(limit)s): put in the public pool, where any rep can claim it.",
                rep=over_quota.name,
                limit=over_quota._get_customer_quota("claimed"),
            )
            self.message_post(body=note, subtype_xmlid="mail.mt_note")
            customer.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")
        return customer

    def _owner_at_quota(self, owner):
        """Whether ``owner`` holds the most customers allowed already (the check of a claim).
        A change to the rep's customers in progress raises: the push is retried later."""
        if not owner._get_customer_quota("claimed"):
            return False
        lock_rows(
            self.env,
            "res_users",
            owner.ids,
            self.env._(
                "Another change to the customers of %s is in progress: try again in a moment.",
                owner.name,
            ),
            touch=True,
        )
        try:
            with self.env.cr.savepoint():
                self.env["res.partner"]._check_owner_quota(owner, "claimed", 1)
        except UserError:
            return True
        return False

    def _wechat_key(self):
        return self.unionid or self.openid

    def _find_customer(self):
        """The customer this follower already is: by the follower, its UnionID/OpenID, or its
        mobile."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        keys = [key for key in (self.unionid, self.openid) if key]
        domain = Domain("wechat_id", "in", keys)
        if self.mobile:
            domain |= Domain("mobile", "=", self.mobile)
        customer = Partner.search(Domain("is_customer", "=", True) & domain, limit=1, order="id")
        return customer.commercial_partner_id
