from odoo import fields, models


class SalesPipelineApprovalMixin(models.AbstractModel):
    """A document that asks for approvals through the one engine (``sales.pipeline.approval``).

    The document says what it asks (``_request_approval(flow, levels)``), finds the level to
    decide (``_current_approval(flow)``), withdraws a request that no longer holds
    (``_withdraw_approval(flow)``), and is told the outcome in ``_on_<flow>_approved()`` and
    ``_on_<flow>_rejected(reason)``.
    """

    _name = "sales.pipeline.approval.mixin"
    _description = "Document with Approvals"

    approval_ids = fields.One2many(
        comodel_name="sales.pipeline.approval",
        inverse_name="res_id",
        string="Approval History",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )

    def _request_approval(self, flow, levels):
        """Ask for approval of ``flow`` by ``levels``: [(level name, approvers)], in order. An
        earlier request of the same flow is withdrawn. Returns the levels created."""
        self.ensure_one()
        self._check_readable_as_if_missing()
        self._withdraw_approval(flow)
        approvals = (
            self.env["sales.pipeline.approval"]
            .sudo()
            .create(
                [
                    {
                        "res_model": self._name,
                        "res_id": self.id,
                        "document_name": self.display_name,
                        "partner_id": self._approval_partner().id,
                        "company_id": self._approval_company().id,
                        "flow": flow,
                        "sequence": sequence,
                        "level_name": name,
                        "approver_ids": [fields.Command.set(approvers.ids)],
                        "state": "waiting",
                        "requested_by_id": self.env.uid,
                    }
                    for sequence, (name, approvers) in enumerate(levels, start=1)
                ]
            )
        )
        approvals.with_env(self.env)._request()
        return approvals

    def _approval_partner(self):
        """The customer the approver decides for (shown in To Approve)."""
        self.ensure_one()
        partner = self.sudo()._fields.get("partner_id") and self.sudo().partner_id
        return partner or self.env["res.partner"]

    def _approval_company(self):
        """The company whose people decide: the document's (else the requester's current one)."""
        self.ensure_one()
        company = self.sudo()._fields.get("company_id") and self.sudo().company_id
        return company or self.env.company

    def _approvals(self, flow, states, **search_args):
        """The levels of ``flow`` of these documents in ``states`` (as superuser)."""
        return (
            self.env["sales.pipeline.approval"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("flow", "=", flow),
                    ("state", "in", states),
                ],
                **search_args,
            )
        )

    def _current_approval(self, flow):
        """The level of ``flow`` waiting for a decision (empty if none)."""
        self.ensure_one()
        return self._approvals(flow, ("pending",), limit=1).with_env(self.env)

    def _last_decision(self, flow):
        """The latest decided level of ``flow`` (empty if none)."""
        self.ensure_one()
        return self._approvals(
            flow, ("approved", "rejected"), order="decided_on desc, id desc", limit=1
        )

    def _fill_last_decision(self, flow):
        """Who decided ``flow`` last, when and why, into the document's decision fields."""
        for document in self:
            decision = document._last_decision(flow)
            document.decided_by_id = decision.decided_by_id
            document.decided_on = decision.decided_on
            document.decision_reason = decision.reason

    def _withdraw_approval(self, flow):
        self._approvals(flow, ("waiting", "pending"))._end("withdrawn")

    def _decide_approval(self, flow, approve, reason=False):
        """Decide the current level of ``flow`` of each document, as the current user."""
        self._check_readable_as_if_missing()  # a hidden document is answered as a missing one
        for document in self:
            approval = document._current_approval(flow)
            if not approval:
                raise self.env["sales.pipeline.approval"]._not_waiting_error(document)
            if approve:
                approval.action_approve(reason)
            else:
                approval.action_reject(reason)
        return True

    def _decision_dialog(self, flow, decision):
        """The dialog where the current user approves or rejects (with a reason) ``flow``."""
        self.ensure_one()
        self._check_readable_as_if_missing()
        approval = self._current_approval(flow)
        if not approval:
            raise self.env["sales.pipeline.approval"]._not_waiting_error(self)
        return approval._decision_dialog(decision)

    def _on_approval_granted(self, flow):
        """The last level of ``flow`` approved: ``_on_<flow>_approved()`` of the document."""
        handler = getattr(self, f"_on_{flow}_approved", None)
        if handler:
            handler()

    def _on_approval_rejected(self, flow, reason):
        """A level of ``flow`` rejected: ``_on_<flow>_rejected(reason)`` of the document."""
        handler = getattr(self, f"_on_{flow}_rejected", None)
        if handler:
            handler(reason)
