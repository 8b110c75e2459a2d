from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.actions import window_action
from ..tools.locking import lock_rows


class ResPartner(models.Model):
    """Managed customers: status, settings, contact details and who may see them.

    The other concerns of the partner live in res_partner_<concern>.py: numbers, recall,
    pool (claim/release/assign), protection, sharing, quick search, duplicates, tier.
    """

    _inherit = "res.partner"

    is_customer = fields.Boolean(
        string="Managed Customer",
        index=True,
        copy=False,
        help="Managed by the sales pipeline: it has a customer number, lives in "
        "the public pool or belongs to a sales rep, and only the people allowed "
        "see it.",
    )
    qualification_id = fields.Many2one(
        comodel_name="res.partner.qualification",
        index="btree_not_null",
        ondelete="restrict",
    )
    region_id = fields.Many2one(
        comodel_name="res.partner.region",
        index="btree_not_null",
        ondelete="restrict",
    )
    source_id = fields.Many2one(
        comodel_name="res.partner.source",
        index="btree_not_null",
        ondelete="restrict",
    )
    value_grade_id = fields.Many2one(
        comodel_name="res.partner.value.grade",
        index="btree_not_null",
        ondelete="restrict",
    )
    followup_method_id = fields.Many2one(
        comodel_name="res.partner.followup.method",
        string="Follow-up Method",
        ondelete="restrict",
    )
    wechat_id = fields.Char(string="WeChat", index="trigram", copy=False)
    mobile = fields.Char(index="trigram")
    followup_ids = fields.One2many(
        comodel_name="res.partner.followup",
        inverse_name="partner_id",
        string="Follow-ups",
    )
    followup_count = fields.Integer(compute="_compute_followup_count")
    next_followup_date = fields.Date(string="Next Follow-up", copy=False)
    document_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Users with Documents",
        compute="_compute_document_user_ids",
        search="_search_document_user_ids",
        help="Salespeople of the quotations, orders and leads of this customer.",
    )
    visible_user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Visible To",
        compute="_compute_visible_user_ids",
        search="_search_visible_user_ids",
        groups="base.group_no_one",
        help="The partners that the access rules of these users let them read; read, it "
        "holds the current user when they may read the partner. Records that belong to a "
        "customer use it in their own rules.",
    )
    is_mine = fields.Boolean(compute="_compute_is_mine", search="_search_is_mine")
    can_manage_customer = fields.Boolean(compute="_compute_is_mine")

    _wechat_id_idx = models.Index("(wechat_id) WHERE wechat_id IS NOT NULL")

    def _get_system_fields(self):
        # which customer a contact belongs to (the rules read it) follows its parent, nothing else
        return super()._get_system_fields() | {"commercial_partner_id"}

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("followup_ids")
    def _compute_followup_count(self):
        counts = dict(
            self.env["res.partner.followup"]._read_group(
                [("partner_id", "in", self.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.followup_count = counts.get(partner, 0)

    def _compute_document_user_ids(self):
        self.env.cr.execute(
            SQL(
                "SELECT commercial_partner_id, array_agg(DISTINCT user_id) FROM (%s) docs "
                "GROUP BY commercial_partner_id",
                self._document_users_query(
                    SQL(
                        "doc.partner_commercial_id IN %s",
                        tuple(self.commercial_partner_id.ids) or (0,),
                    )
                ),
            )
        )
        users_by_partner = dict(self.env.cr.fetchall())
        for partner in self:
            user_ids = users_by_partner.get(partner.commercial_partner_id.id, [])
            partner.document_user_ids = self.env["res.users"].browse(user_ids)

    def _search_document_user_ids(self, operator, value):
        if operator != "in":
            return NotImplemented
        user_ids = tuple(uid for uid in value if uid)
        self._check_may_search_users(user_ids)
        if not user_ids:
            return Domain.FALSE
        query = self._document_users_query(SQL("doc.user_id IN %s", user_ids))
        return self._commercial_partner_in(
            SQL("SELECT commercial_partner_id FROM (%s) docs", query)
        )

    @api.model
    def _document_users_query(self, condition):
        """(commercial_partner_id, user_id) of the quotations, orders and leads matching
        ``condition``.

        Plain SQL on purpose: record rules use it, and going through the ORM
        would apply the rules of res.partner again inside themselves. UNION ALL: its readers
        group or test membership, so removing the duplicates first (UNION) would only cost a
        sort or hash of every row on each search under the rules.
        """
        for model in ("sale.order", "crm.lead"):
            self.env[model].flush_model(["partner_commercial_id", "user_id"])
        return SQL(
            """
            SELECT doc.partner_commercial_id AS commercial_partner_id, doc.user_id
              FROM sale_order doc
             WHERE doc.user_id IS NOT NULL AND %(condition)s
             UNION ALL
            SELECT doc.partner_commercial_id, doc.user_id FROM crm_lead doc
             WHERE doc.user_id IS NOT NULL AND %(condition)s
            """,
            condition=condition,
        )

    @api.depends_context("uid")
    def _compute_visible_user_ids(self):
        # Listing every user who may read a partner would cost a check per
        # user; rules only ask about the current one (in Python, when they
        # check records already read), so the value holds the current user or nothing.
        user = self.env.user
        readable = self.filtered("id").with_user(user)._filtered_access("read")
        for partner in self:
            partner.visible_user_ids = user if partner._origin in readable else False

    def _search_visible_user_ids(self, operator, value):
        """The read rules of res.partner for each of the users ``value``, OR-ed.

        Record rules are applied as superuser to the records they reach through
        a path ("partner_id.user_id"), so a rule on another model cannot rely on
        the rules of res.partner by itself: ``('partner_id.visible_user_ids', 'in',
        [user.id])`` brings them in, from the one place they are defined.
        """
        if operator != "in":
            return NotImplemented
        self._check_may_search_users(value)
        rules = self.env["ir.rule"].sudo()
        domains = [
            rules.with_user(user_id)._compute_domain(self._name, "read")
            for user_id in value
            if user_id
        ]
        return Domain.OR(domains) if domains else Domain.FALSE

    @api.model
    def _check_may_search_users(self, user_ids):
        """Which customers another user sees, shares or works on is a manager's business: the
        rules ask about the current user only, a rep's search may not ask about anyone else."""
        others = {uid for uid in user_ids if uid} - {self.env.uid}
        user = self.env.user
        sees_all = user._is_internal() and not user.has_group("sales_team.group_sale_salesman")
        if others and not (self._is_customer_manager() or sees_all):
            raise AccessError(self.env._("You can only search the customers you see yourself."))

    @api.model
    def _commercial_partner_in(self, query):
        """Domain: the partner's commercial entity is among the ids ``query`` selects."""
        return Domain.custom(
            to_sql=lambda model, alias, q: SQL(
                "%s IN (%s)",
                model._field_to_sql(alias, "commercial_partner_id", q),
                query,
            )
        )

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_is_mine(self):
        is_manager = self._is_customer_manager()
        for partner in self:
            partner.is_mine = partner.user_id == self.env.user
            partner.can_manage_customer = partner.is_customer and (partner.is_mine or is_manager)

    def _search_is_mine(self, operator, value):
        if operator != "in":
            return NotImplemented
        mine = Domain("user_id", "=", self.env.uid)
        return mine if True in value else ~mine

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["is_customer", "user_id", "is_protected"]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_new_quotation(self):
        """A new quotation of this customer, with its salesperson, pricelist and payment terms."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return window_action(
            self.env,
            "sale.order",
            name=self.env._("New Quotation"),
            view_mode="form",
            target="current",
            context={
                "default_partner_id": self.id,
                "default_user_id": (customer.user_id or self.env.user).id,
                "default_pricelist_id": customer.property_product_pricelist.id,
                "default_payment_term_id": customer.property_payment_term_id.id,
            },
        )

    def action_new_contract(self):
        """A new contract of this customer, made directly (no quotation step first)."""
        action = self.action_new_quotation()
        action["name"] = self.env._("New Contract")
        action["context"] = dict(action["context"], default_is_contract=True)
        return action

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _post_pool_note(self, body, partner_ids=None):
        self.ensure_one()
        self.sudo().message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=partner_ids or [],
        )

    def _lock_customers(self):
        """Lock the customers' rows so that concurrent pool actions cannot both win.

        Raises a clear error when another transaction holds or has just changed
        one of them; returns the customers with fresh values.
        """
        self._check_readable_as_if_missing()
        customers = self._ensure_customers()
        lock_rows(
            self.env,
            "res_partner",
            customers.ids,
            self.env._(
                "Another user is changing this customer at this very moment. Reload it and try again."  # noqa: E501
            ),
        )
        customers.invalidate_recordset()
        return customers

    def _ensure_customers(self):
        if not self:
            raise UserError(self.env._("Select at least one customer."))
        not_customers = self.filtered(lambda p: not p.is_customer or p.parent_id)
        if not_customers:
            raise UserError(
                self.env._(
                    "%s is not a managed customer (contacts follow their company).",
                    ", ".join(not_customers.mapped("display_name")),
                )
            )
        return self

    def _check_can_manage(self):
        self.ensure_one()
        if self.user_id != self.env.user and not self._is_customer_manager():
            raise AccessError(
                self.env._(
                    "Only the owner of %s or a sales manager can do this.", self.display_name
                )
            )

    @api.model
    def _is_customer_manager(self):
        return self.env.su or self.env.user._is_sales_manager()

    @api.model
    def _is_customer_clerk(self):
        return self.env.user.has_group("sales_pipeline.group_customer_clerk")
