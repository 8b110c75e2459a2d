from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.locking import lock_rows

APPROVAL_FLOWS = [
    ("discount", "Discounts above the Maximum"),
    ("contract", "Contract"),
    ("return", "Return"),
    ("claim", "Project Claim"),
    ("step", "Process Step"),
]
APPROVAL_STATES = [
    ("waiting", "Waiting for an Earlier Level"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]
MANAGERS_GROUP = "sales_team.group_sale_salesman_all_leads"


class SalesPipelineApproval(models.Model):
    """One level of approval of one request, and its decision: the one engine behind discount,
    contract, return, project claim and process step approvals.

    A document asks for approval (``_request_approval`` of the mixin) with its levels; the
    current level is ``pending``, the later ones ``waiting``. Its approvers get a To Approve
    activity; ``action_approve`` / ``action_reject(reason)`` decide it, here and only here:
    who may decide, never one's own request, one lock. The last approval, or a rejection, is
    handed back to the document (``_on_approval_granted`` / ``_on_approval_rejected``).
    """

    _name = "sales.pipeline.approval"
    _description = "Approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "requested_on desc, res_model, res_id, sequence, id"
    _rec_name = "document_name"

    res_model = fields.Char(string="Document Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True, index=True
    )
    document_name = fields.Char(string="Document", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True, index="btree_not_null"
    )
    flow = fields.Selection(selection=APPROVAL_FLOWS, required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    level_name = fields.Char(string="Level", readonly=True)
    approver_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sales_pipeline_approval_approver_rel",
        string="Approvers",
        readonly=True,
    )
    fell_back = fields.Boolean(
        string="Decided by the Sales Managers",
        readonly=True,
        help="Nobody of this level could decide (no team leader, the submitter, archived): the "
        "sales managers decide instead.",
    )
    state = fields.Selection(
        selection=APPROVAL_STATES, default="pending", required=True, readonly=True, index=True
    )
    requested_by_id = fields.Many2one(
        comodel_name="res.users", required=True, readonly=True, index=True
    )
    requested_on = fields.Datetime(default=fields.Datetime.now, readonly=True)
    pending_since = fields.Datetime(readonly=True)
    deadline = fields.Datetime(readonly=True)
    reminded_on = fields.Datetime(readonly=True)
    escalated_on = fields.Datetime(readonly=True)
    decided_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    reason = fields.Text(readonly=True)
    company_id = fields.Many2one(
        comodel_name="res.company", default=lambda self: self.env.company, readonly=True
    )
    can_decide = fields.Boolean(compute="_compute_can_decide")

    @api.depends("state", "approver_ids", "requested_by_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        for approval in self:
            approval.can_decide = approval._may_decide(self.env.user)

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------

    def action_approve(self, reason=False):
        """Approve this level; the last level approves the request."""
        for approval in self:
            approval._check_decidable()
            approval._record_decision("approved", reason)
            following = approval._following_level()
            if following:
                approval._note_level_approved(reason)
                following._start()
            else:
                approval._document()._on_approval_granted(approval.flow)
                approval._tell_requester(
                    lambda env: env._(
                        "Approved by %(user)s.%(reason)s",
                        user=env.user.name,
                        reason=f" {reason}" if reason else "",
                    )
                )
        return True

    def action_reject(self, reason):
        """Reject the request: it goes back to the requester with the reason."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say why it is rejected: the requester will read it."))
        for approval in self:
            approval._check_decidable()
            approval._reject(reason)
        return True

    def _reject(self, reason):
        """Reject, as the application (another request won, the document went away)."""
        self.ensure_one()
        self._record_decision("rejected", reason)
        self._later_levels()._end("withdrawn")
        self._document()._on_approval_rejected(self.flow, reason)
        self._tell_requester(
            lambda env: env._("Rejected by %(user)s: %(reason)s", user=env.user.name, reason=reason)
        )

    def action_open_approve(self):
        return self._decision_dialog("approve")

    def action_open_reject(self):
        return self._decision_dialog("reject")

    def _decision_dialog(self, decision):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve") if decision == "approve" else self.env._("Reject"),
            "res_model": "sales.pipeline.approval.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_approval_id": self.id, "default_decision": decision},
        }

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _may_decide(self, user):
        """The one answer to "who may decide": an approver of the current level, never on a
        request of their own."""
        self.ensure_one()
        return (
            self.state == "pending" and user in self.approver_ids and user != self.requested_by_id
        )

    def _check_decidable(self):
        self.ensure_one()
        self._check_readable_as_if_missing()  # an approval one may not read tells nothing
        # two approvers (or one double click) at the same moment: one decides, the other is told
        lock_rows(
            self.env,
            "sales_pipeline_approval",
            self.ids,
            self.env._(
                "Someone is deciding on %s at this very moment: reload it to see the decision.",
                self.sudo().document_name,
            ),
        )
        self.invalidate_recordset()
        approval = self.sudo()  # a user who may not decide is told why, not "access denied"
        if approval.state != "pending":
            raise UserError(
                self.env._("%s is not waiting for your decision.", approval.document_name)
            )
        if self.env.user == approval.requested_by_id:
            raise AccessError(self.env._("You cannot decide on a request of your own."))
        if self.env.user not in approval.approver_ids:
            raise AccessError(
                self.env._(
                    "This approval of %(document)s belongs to %(approvers)s.",
                    document=approval.document_name,
                    approvers=", ".join(approval.approver_ids.mapped("name")) or "-",
                )
            )

    def _record_decision(self, state, reason):
        self.sudo().write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
                "reason": reason or False,
            }
        )
        self._close_activities()

    @api.model
    def _not_waiting_error(self, document):
        return UserError(self.env._("%s is not waiting for approval.", document.display_name))

    # ------------------------------------------------------------------
    # Levels
    # ------------------------------------------------------------------

    def _request(self):
        """Levels just created: the first starts."""
        self[:1]._start()

    def _start(self):
        """This level is the current one: its approvers (or the managers) are asked."""
        self.ensure_one()
        now = fields.Datetime.now()
        approvers = self._eligible(self.approver_ids)
        values = {
            "state": "pending",
            "pending_since": now,
            "deadline": now + timedelta(hours=self._deadline_hours()),
        }
        if not approvers:
            approvers = self._eligible(self._managers())
            values["fell_back"] = True
        values["approver_ids"] = [fields.Command.set(approvers.ids)]
        self.sudo().write(values)
        if self.fell_back:
            self._tell_requester(
                lambda env: env._(
                    "Nobody of level %(level)s can decide on it: the sales managers "
                    "(%(managers)s) decide instead.",
                    level=self.level_name or "-",
                    managers=", ".join(approvers.mapped("name")) or "-",
                )
            )
        self._ask(approvers)

    def _eligible(self, users):
        """Who of ``users`` may decide: active internal users of the document's company, never the
        requester."""
        return users.filtered(
            lambda u: (
                u.active
                and not u.share
                and u != self.requested_by_id
                and (not self.company_id or self.company_id in u.sudo().company_ids)
            )
        )

    def _managers(self):
        """Who decides when nobody else can: the sales managers, else the administrators."""
        return self._eligible(self._sales_managers()) or self._eligible(
            self.env.ref("base.group_system").sudo().all_user_ids
        )

    @api.model
    def _sales_managers(self):
        return self.env.ref(MANAGERS_GROUP).sudo().all_user_ids

    def _following_level(self):
        return self._later_levels()[:1]

    def _later_levels(self):
        self.ensure_one()
        return self.sudo().search(
            [
                ("res_model", "=", self.res_model),
                ("res_id", "=", self.res_id),
                ("flow", "=", self.flow),
                ("state", "=", "waiting"),
            ],
            order="sequence, id",
        )

    def _end(self, state):
        """Withdraw these open levels (the request changed, was cancelled or rejected)."""
        open_levels = self.filtered(lambda a: a.state in ("waiting", "pending"))
        if open_levels:
            open_levels.sudo().write({"state": state})
            open_levels._close_activities()

    def _document(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id)

    # ------------------------------------------------------------------
    # Telling people
    # ------------------------------------------------------------------

    def _ask(self, users):
        """A To Approve activity for each approver, in their language, due at the deadline."""
        activity_type = self.env.ref("sales_pipeline.mail_activity_type_to_approve")
        for user in users:
            approval = self.with_context(lang=user.lang or self.env.lang)
            self.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                date_deadline=fields.Date.to_date(self.deadline),
                summary=approval.env._(
                    "Approve %(flow)s: %(document)s",
                    flow=approval._flow_label(),
                    document=self.document_name,
                ),
                note=approval.env._(
                    "Requested by %(user)s (%(level)s).",
                    user=self.requested_by_id.name,
                    level=self.level_name or "-",
                ),
            )

    def _close_activities(self):
        activities = self.sudo().activity_ids
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        if mine:
            mine.action_feedback()
        (activities - mine).exists().unlink()

    def _note_level_approved(self, reason):
        self._document().sudo().message_post(
            body=self.env._(
                "%(level)s approved by %(user)s.%(reason)s",
                level=self.level_name or "-",
                user=self.env.user.name,
                reason=f" {reason}" if reason else "",
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _tell_requester(self, compose):
        """A note on the document for the requester, written by ``compose(env)`` in the
        requester's language."""
        self.ensure_one()
        requester = self.requested_by_id
        body = compose(self.with_context(lang=requester.lang or self.env.lang).env)
        self._document().sudo().message_post(
            body=body, partner_ids=requester.partner_id.ids, subtype_xmlid="mail.mt_note"
        )

    def _flow_label(self):
        return dict(self._fields["flow"]._description_selection(self.env))[self.flow]

    @api.model
    def _deadline_hours(self):
        params = self.env["ir.config_parameter"].sudo()
        return int(params.get_param("sales_pipeline.approval_deadline_hours", 24))

    @api.model
    def _escalation_hours(self):
        params = self.env["ir.config_parameter"].sudo()
        return int(params.get_param("sales_pipeline.approval_escalation_hours", 72))

    # ------------------------------------------------------------------
    # Reminders and escalation
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_and_escalate(self):
        """Overdue approvals are reminded once; still waiting after the escalation time, they
        go to the sales managers too."""
        now = fields.Datetime.now()
        overdue = self.search(
            [("state", "=", "pending"), ("deadline", "<", now), ("reminded_on", "=", False)]
        )
        for approval in overdue:
            approval._remind()
        late = self.search(
            [
                ("state", "=", "pending"),
                ("escalated_on", "=", False),
                ("pending_since", "<", now - timedelta(hours=self._escalation_hours())),
            ]
        )
        for approval in late:
            approval._escalate()

    def _remind(self):
        self.write({"reminded_on": fields.Datetime.now()})
        for user in self.approver_ids:
            approval = self.with_context(lang=user.lang or self.env.lang)
            self.message_notify(
                partner_ids=user.partner_id.ids,
                subject=approval.env._("Approval overdue: %s", self.document_name),
                body=approval.env._(
                    "%(document)s has been waiting for your approval since %(since)s.",
                    document=self.document_name,
                    since=fields.Datetime.to_string(self.pending_since),
                ),
            )

    def _escalate(self):
        added = self._managers() - self.approver_ids
        self.write(
            {
                "escalated_on": fields.Datetime.now(),
                "approver_ids": [fields.Command.link(user.id) for user in added],
            }
        )
        self._ask(added)
        self._tell_requester(
            lambda env: env._(
                "Waiting too long: the sales managers (%(managers)s) may decide it now.",
                managers=", ".join(added.mapped("name")) or "-",
            )
        )
