from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crm_lead_process_step import REQUIREMENTS


class CrmLead(models.Model):
    """Process steps of projects (项目流程): a step is left once its requirements are met."""

    _name = "crm.lead"
    _inherit = ["crm.lead", "sales.pipeline.approval.mixin"]

    process_template_id = fields.Many2one(
        comodel_name="crm.lead.process.template",
        string="Process",
        index="btree_not_null",
        tracking=True,
    )
    process_step_id = fields.Many2one(
        comodel_name="crm.lead.process.step",
        string="Step",
        index="btree_not_null",
        tracking=True,
        domain="[('template_id', '=', process_template_id)]",
        group_expand="_read_group_process_step_id",
        copy=False,
    )
    process_step_date = fields.Datetime(
        string="In Step Since",
        compute="_compute_process_step_date",
        store=True,
        copy=False,
    )
    step_approved_by_id = fields.Many2one(
        comodel_name="res.users",
        compute="_compute_process_step_date",
        store=True,
        readonly=False,  # set by action_approve_step (as superuser): a system field
        copy=False,
    )

    step_need_approval = fields.Boolean(related="process_step_id.need_approval")

    def _get_system_fields(self):
        return super()._get_system_fields() | {"process_step_date", "step_approved_by_id"}

    step_requirements_met = fields.Boolean(compute="_compute_step_requirements")
    step_checklist = fields.Html(compute="_compute_step_requirements", sanitize=False)

    @api.depends(
        "process_step_id",
        "process_step_date",
        "step_approved_by_id",
        "followup_ids.process_step_id",
        "order_ids",
    )
    def _compute_step_requirements(self):
        for lead in self:
            checks = lead._get_step_checks()
            lead.step_requirements_met = all(done for _label, done in checks)
            lead.step_checklist = (
                Markup("").join(
                    Markup('<div><i class="fa fa-fw %s"/> %s</div>')
                    % (
                        "fa-check-square-o text-success" if done else "fa-square-o text-danger",
                        label,
                    )
                    for label, done in checks
                )
                if checks
                else False
            )

    @api.depends("process_step_id")
    def _compute_process_step_date(self):
        """Entering a step starts its clock and needs its own approval."""
        for lead in self:
            lead.process_step_date = fields.Datetime.now() if lead.process_step_id else False
            lead.step_approved_by_id = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("process_template_id") and not vals.get("process_step_id"):
                first = (
                    self.env["crm.lead.process.template"]
                    .browse(vals["process_template_id"])
                    .step_ids[:1]
                )
                vals["process_step_id"] = first.id
        return super().create(vals_list)

    def write(self, vals):
        if "process_template_id" in vals and "process_step_id" not in vals:
            template = self.env["crm.lead.process.template"].browse(vals["process_template_id"])
            vals = dict(vals, process_step_id=template.step_ids[:1].id)
        if "process_step_id" in vals:
            new_step = self.env["crm.lead.process.step"].browse(vals["process_step_id"])
            for lead in self:
                lead._check_can_move_to(new_step)
            # a request for the step left no longer stands
            self.filtered(lambda lead: lead.process_step_id != new_step)._withdraw_approval("step")
        return super().write(vals)

    def action_next_step(self):
        """Move to the next step of the process, if this one's requirements are met."""
        for lead in self:
            if not lead.process_step_id:
                raise UserError(self.env._("%s follows no process: choose one first.", lead.name))
            steps = lead.process_template_id.step_ids
            position = list(steps).index(lead.process_step_id)
            if position + 1 >= len(steps):
                raise UserError(self.env._("%s is at the last step of its process.", lead.name))
            lead.process_step_id = steps[position + 1]
        return True

    def action_request_step_approval(self):
        """The project's owner asks the sales managers to approve its current step."""
        self._check_readable_as_if_missing()
        for lead in self:
            lead._check_step_needs_approval()
            if lead._current_approval("step"):
                raise UserError(
                    self.env._(
                        "Step %s is already waiting for approval.", lead.process_step_id.name
                    )
                )
            lead._request_step_approval()
        return True

    def action_approve_step(self, reason=False):
        """A sales manager approves the current step, asked for or not."""
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can approve a step."))
        for lead in self:
            lead._check_step_needs_approval()
            if not lead._current_approval("step"):
                # on behalf of the project's owner (or its author): never the manager's own
                requester = lead.sudo().user_id or lead.sudo().create_uid
                lead.with_user(requester)._request_step_approval()
            lead._decide_approval("step", True, reason)
        return True

    def _request_step_approval(self):
        managers = self.env["sales.pipeline.approval"]._sales_managers()
        self._request_approval("step", [(self.env._("Sales Managers"), managers)])

    def _check_step_needs_approval(self):
        self.ensure_one()
        if not self.process_step_id.need_approval:
            raise UserError(self.env._("The step %s needs no approval.", self.process_step_id.name))
        if self.step_approved_by_id:
            raise UserError(self.env._("Step %s is approved already.", self.process_step_id.name))

    def _on_step_approved(self):
        self.sudo().step_approved_by_id = self.env.user
        self.message_post(
            body=self.env._(
                "Step %(step)s approved by %(manager)s.",
                step=self.process_step_id.name,
                manager=self.env.user.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _check_can_move_to(self, new_step):
        """Refuse to move past a step whose requirements are not met; moving back is free."""
        self.ensure_one()
        current = self.process_step_id
        if not new_step or new_step == current:
            return
        if not current or new_step.template_id != current.template_id:
            # a project enters a process at its first step: no way round a step by leaving
            # the process and coming back further on
            first = new_step.template_id.step_ids[:1]
            if new_step != first and not self.env.su and not self.env.user._is_sales_manager():
                raise UserError(
                    self.env._(
                        "%(project)s enters the process %(process)s at its first step, %(step)s.",
                        project=self.name,
                        process=new_step.template_id.name,
                        step=first.name,
                    )
                )
            return
        steps = list(current.template_id.step_ids)
        start, target = steps.index(current), steps.index(new_step)
        if target < start:
            return
        unmet = [label for label, done in self._get_step_checks() if not done]
        for skipped in steps[start + 1 : target]:
            unmet += [
                self.env._("%(step)s: %(requirement)s", step=skipped.name, requirement=label)
                for label in self._requirement_labels(skipped)
            ]
        if unmet:
            raise UserError(
                self.env._(
                    "%(project)s cannot leave the step %(step)s yet. Missing: %(missing)s.",
                    project=self.name,
                    step=current.name,
                    missing="; ".join(unmet),
                )
            )

    def _get_step_checks(self):
        """(label, done) for each requirement of the current step."""
        self.ensure_one()
        step = self.process_step_id
        if not step:
            return []
        labels = dict(
            zip(REQUIREMENTS, self._requirement_labels(step, all_labels=True), strict=True)
        )
        checks = []
        if step.need_followup:
            done = any(f.process_step_id == step for f in self.sudo().followup_ids)
            checks.append((labels["need_followup"], done))
        if step.need_attachment:
            done = (
                bool(
                    self.env["ir.attachment"]
                    .sudo()
                    .search_count(
                        [("res_model", "=", self._name), ("res_id", "=", self.id)],
                        limit=1,
                    )
                )
                if self.id
                else False
            )
            checks.append((labels["need_attachment"], done))
        if step.need_quote:
            checks.append((labels["need_quote"], bool(self.sudo().order_ids)))
        if step.need_approval:
            checks.append((labels["need_approval"], bool(self.step_approved_by_id)))
        return checks

    def _requirement_labels(self, step, all_labels=False):
        fields_ = step._fields
        return [
            fields_[flag].get_description(self.env)["string"]
            for flag in REQUIREMENTS
            if all_labels or step[flag]
        ]

    @api.model
    def _read_group_process_step_id(self, steps, domain):
        # group_expand: every step is a kanban column, as Odoo's stages (a short list)
        return steps.search([], order="template_id, sequence, id")  # pylint: disable=no-search-all
