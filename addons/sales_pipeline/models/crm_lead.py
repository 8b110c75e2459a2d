from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .crm_lead_process_step import REQUIREMENTS


class CrmLead(models.Model):
    """A project (项目): a CRM opportunity of a customer."""

    _inherit = "crm.lead"

    partner_commercial_id = fields.Many2one(
        comodel_name="res.partner",
        related="partner_id.commercial_partner_id",
        store=True,
        string="Customer Account",
        help="The customer company of the contact, kept here for the reps' record rules.",
    )
    member_ids = fields.One2many(
        comodel_name="crm.lead.member",
        inverse_name="lead_id",
        string="Followed By",
    )
    claim_request_ids = fields.One2many(
        comodel_name="crm.lead.claim.request",
        inverse_name="lead_id",
        string="Claim Requests",
    )
    my_claim_pending = fields.Boolean(compute="_compute_my_claim_pending")
    followup_ids = fields.One2many(
        comodel_name="res.partner.followup",
        inverse_name="lead_id",
        string="Follow-ups",
    )
    followup_count = fields.Integer(compute="_compute_followup_count")
    duplicate_project_ids = fields.Many2many(
        comodel_name="crm.lead",
        string="Projects with the Same Name",
        compute="_compute_duplicate_project_ids",
    )
    duplicate_project_warning = fields.Html(compute="_compute_duplicate_project_ids", sanitize=False)
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
    process_step_date = fields.Datetime(string="In Step Since", readonly=True, copy=False)
    step_approved_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Step Approved By",
        readonly=True,
        copy=False,
    )
    step_requirements_met = fields.Boolean(compute="_compute_step_requirements")
    step_checklist = fields.Html(string="Step Checklist", compute="_compute_step_requirements", sanitize=False)

    _name_normalized_idx = models.Index("(lower(trim(name))) WHERE type = 'opportunity'")
    # the reps' customer rule collects the customers of a rep's documents: one index-only scan
    _user_customer_idx = models.Index("(user_id, partner_commercial_id) WHERE user_id IS NOT NULL")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("claim_request_ids.state", "claim_request_ids.user_id")
    def _compute_my_claim_pending(self):
        for lead in self:
            lead.my_claim_pending = any(
                request.state == "pending" and request.user_id == self.env.user
                for request in lead.sudo().claim_request_ids
            )

    @api.depends("followup_ids")
    def _compute_followup_count(self):
        counts = dict(self.env["res.partner.followup"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"],
        ))
        for lead in self:
            lead.followup_count = counts.get(lead, 0)

    @api.depends("name", "partner_id", "type", "company_id")
    def _compute_duplicate_project_ids(self):
        for lead in self:
            duplicates = lead._find_duplicate_projects() if lead._get_duplicate_policy() == "warn" else lead.browse()
            lead.duplicate_project_ids = duplicates
            lead.duplicate_project_warning = lead._get_duplicate_project_warning(duplicates) if duplicates else False

    @api.depends(
        "process_step_id", "process_step_date", "step_approved_by_id",
        "followup_ids.process_step_id", "order_ids",
    )
    def _compute_step_requirements(self):
        for lead in self:
            checks = lead._get_step_checks()
            lead.step_requirements_met = all(done for _label, done in checks)
            lead.step_checklist = Markup("").join(
                Markup('<div><i class="fa fa-fw %s"/> %s</div>') % (
                    "fa-check-square-o text-success" if done else "fa-square-o text-danger", label,
                )
                for label, done in checks
            ) if checks else False

    # ------------------------------------------------------------------
    # Entry policy (项目录入策略)
    # ------------------------------------------------------------------

    @api.constrains("name", "partner_id", "type", "company_id")
    def _check_duplicate_project_name(self):
        for lead in self:
            if lead._get_duplicate_policy() != "forbid":
                continue
            lead._take_turn_in_duplicate_scope()
            duplicates = lead._find_duplicate_projects()
            if duplicates:
                raise ValidationError(self.env._(
                    "A project named %(name)s already exists%(where)s: %(projects)s. Choose another name.",
                    name=lead.name.strip(),
                    where=self.env._(" for %s", lead.partner_id.commercial_partner_id.name)
                    if lead._get_duplicate_scope() == "customer" and lead.partner_id else "",
                    projects=", ".join(duplicates.sudo().mapped(lambda d: f"{d.name} ({d.user_id.name or '-'})")),
                ))

    def _take_turn_in_duplicate_scope(self):
        """Checks of one scope (the company, or the customer) take turns: each rewrites the scope's
        row until its transaction ends. A second check waits for the first; if the first then
        commits, the second fails with a serialization error, which Odoo retries, and the retry
        sees the first's project. Without it, two users entering one name at once both pass."""
        if self._get_duplicate_scope() == "customer":
            table, row_id = "res_partner", self.partner_id.commercial_partner_id.id
        else:
            table, row_id = "res_company", (self.company_id or self.env.company).id
        if row_id:
            self.env.cr.execute(SQL(
                "UPDATE %s SET write_date = write_date WHERE id = %s", SQL.identifier(table), row_id,
            ))

    def _get_duplicate_policy(self):
        return (self.company_id or self.env.company).project_duplicate_policy if self.type == "opportunity" else "allow"

    def _get_duplicate_scope(self):
        return (self.company_id or self.env.company).project_duplicate_scope

    def _find_duplicate_projects(self):
        """Other projects with this name, ignoring case and surrounding spaces (visible or not)."""
        self.ensure_one()
        name = (self.name or "").strip().lower()
        if not name or self.type != "opportunity":
            return self.browse()
        conditions = [
            SQL("type = 'opportunity'"),
            SQL("lower(trim(name)) = %s", name),
            SQL("active"),
        ]
        if self._origin.id:
            conditions.append(SQL("id != %s", self._origin.id))
        if self._get_duplicate_scope() == "customer":
            customer = self.partner_id.commercial_partner_id
            if not customer:
                return self.browse()
            conditions.append(SQL(
                "partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = %s)", customer.id,
            ))
        else:
            company = self.company_id or self.env.company
            conditions.append(SQL("(company_id = %s OR company_id IS NULL)", company.id))
        self.env["crm.lead"].flush_model(["name", "type", "partner_id", "company_id", "active"])
        self.env.cr.execute(SQL("SELECT id FROM crm_lead WHERE %s LIMIT 10", SQL(" AND ").join(conditions)))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _get_duplicate_project_warning(self, duplicates):
        links = []
        for project in duplicates.sudo():
            if project.with_env(self.env).has_access("read"):
                links.append(Markup('<a href="/odoo/crm.lead/%s">%s</a> (%s)') % (
                    project.id, project.name, project.user_id.name or "-",
                ))
            else:
                links.append(escape(self.env._("a project you cannot see (owner: %s)", project.user_id.name or "-")))
        return Markup("%s %s") % (
            self.env._("Projects with the same name already exist:"),
            Markup(", ").join(links),
        )

    def _check_required_project_fields(self):
        for lead in self.filtered(lambda l: l.type == "opportunity"):
            required = (lead.company_id or self.env.company).sudo().project_required_field_ids
            missing = [field.field_description for field in required if field.name in lead and not lead[field.name]]
            if missing:
                raise ValidationError(self.env._(
                    "Fill in before saving the project %(project)s: %(fields)s.",
                    project=lead.name, fields=", ".join(missing),
                ))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("process_template_id") and not vals.get("process_step_id"):
                first = self.env["crm.lead.process.template"].browse(vals["process_template_id"]).step_ids[:1]
                vals["process_step_id"] = first.id
            if vals.get("process_step_id"):
                vals["process_step_date"] = fields.Datetime.now()
        leads = super().create(vals_list)
        leads._check_required_project_fields()
        return leads

    def write(self, vals):
        if "process_template_id" in vals and "process_step_id" not in vals:
            template = self.env["crm.lead.process.template"].browse(vals["process_template_id"])
            vals = dict(vals, process_step_id=template.step_ids[:1].id)
        if "process_step_id" in vals:
            new_step = self.env["crm.lead.process.step"].browse(vals["process_step_id"])
            for lead in self:
                lead._check_can_move_to(new_step)
            vals = dict(vals, process_step_date=fields.Datetime.now(), step_approved_by_id=False)
        res = super().write(vals)
        if vals.keys() & {"type", *self._get_required_field_names()}:
            self._check_required_project_fields()
        return res

    def _get_required_field_names(self):
        companies = self.company_id | self.env.company
        return set(companies.sudo().project_required_field_ids.mapped("name"))

    def action_set_won(self):
        res = super().action_set_won()
        self.partner_id._register_won_deal()
        return res

    # ------------------------------------------------------------------
    # Claiming and assignment (申请领用、批量指派)
    # ------------------------------------------------------------------

    def action_request_claim(self, note=False):
        """Ask a manager for this unassigned project."""
        self.ensure_one()
        user = self.env.user
        if not user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only salespeople can claim projects."))
        lead = self.sudo()
        if lead.user_id == user:
            raise UserError(self.env._("%s is already yours.", lead.name))
        if lead.user_id:
            raise UserError(self.env._("%(project)s is already followed by %(owner)s.", project=lead.name, owner=lead.user_id.name))
        if lead.claim_request_ids.filtered(lambda r: r.state == "pending" and r.user_id == user):
            raise UserError(self.env._("You have already asked for %s: wait for the manager's answer.", lead.name))
        request = self.env["crm.lead.claim.request"].sudo().create({"lead_id": lead.id, "user_id": user.id, "note": note})
        lead.message_post(
            body=self.env._("%(rep)s asks to follow this project.%(why)s", rep=user.name,
                            why=f" {note}" if note else ""),
            subtype_xmlid="mail.mt_note",
        )
        return request

    def action_assign_to(self, user, note=False):
        """Assign projects to a rep (managers only); the rep is notified."""
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can assign projects."))
        user = self.env["res.partner"]._ensure_sales_user(user)
        self.write({"user_id": user.id})
        pending = self.sudo().claim_request_ids.filtered(lambda r: r.state == "pending")
        pending._decide("rejected", self.env._("The project was assigned to %s.", user.name))
        for lead in self:
            lead.message_post(
                body=self.env._("Assigned to %(rep)s by %(manager)s.%(note)s", rep=user.name,
                                manager=self.env.user.name, note=f" {note}" if note else ""),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Process steps (项目流程)
    # ------------------------------------------------------------------

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

    def action_approve_step(self):
        """A manager approves the current step."""
        if not self.env.user._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can approve a step."))
        for lead in self:
            if not lead.process_step_id.need_approval:
                raise UserError(self.env._("The step %s needs no approval.", lead.process_step_id.name))
            lead.sudo().step_approved_by_id = self.env.user
            lead.message_post(
                body=self.env._("Step %(step)s approved by %(manager)s.", step=lead.process_step_id.name, manager=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _check_can_move_to(self, new_step):
        """Refuse to move past a step whose requirements are not met; moving back is free."""
        self.ensure_one()
        current = self.process_step_id
        if not current or not new_step or new_step == current or new_step.template_id != current.template_id:
            return
        steps = list(current.template_id.step_ids)
        start, target = steps.index(current), steps.index(new_step)
        if target < start:
            return
        unmet = [label for label, done in self._get_step_checks() if not done]
        for skipped in steps[start + 1:target]:
            unmet += [
                self.env._("%(step)s: %(requirement)s", step=skipped.name, requirement=label)
                for label in self._requirement_labels(skipped)
            ]
        if unmet:
            raise UserError(self.env._(
                "%(project)s cannot leave the step %(step)s yet. Missing: %(missing)s.",
                project=self.name, step=current.name, missing="; ".join(unmet),
            ))

    def _get_step_checks(self):
        """(label, done) for each requirement of the current step."""
        self.ensure_one()
        step = self.process_step_id
        if not step:
            return []
        labels = dict(zip(REQUIREMENTS, self._requirement_labels(step, all_labels=True)))
        checks = []
        if step.need_followup:
            done = any(f.process_step_id == step for f in self.sudo().followup_ids)
            checks.append((labels["need_followup"], done))
        if step.need_attachment:
            done = bool(self.env["ir.attachment"].sudo().search_count(
                [("res_model", "=", self._name), ("res_id", "=", self.id)], limit=1,
            )) if self.id else False
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
            for flag in REQUIREMENTS if all_labels or step[flag]
        ]

    @api.model
    def _read_group_process_step_id(self, steps, domain):
        return steps.search([], order="template_id, sequence, id")
