from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class CrmLead(models.Model):
    """Entry policy of projects (项目录入策略): names used twice, fields required to save."""

    _inherit = "crm.lead"

    duplicate_project_ids = fields.Many2many(
        comodel_name="crm.lead",
        string="Projects with the Same Name",
        compute="_compute_duplicate_project_ids",
    )
    duplicate_project_warning = fields.Html(
        compute="_compute_duplicate_project_ids", sanitize=False
    )

    _name_normalized_idx = models.Index("(lower(trim(name))) WHERE type = 'opportunity'")

    @api.depends("name", "partner_id", "type", "company_id")
    def _compute_duplicate_project_ids(self):
        for lead in self:
            duplicates = (
                lead._find_duplicate_projects()
                if lead._get_duplicate_policy() == "warn"
                else lead.browse()
            )
            lead.duplicate_project_ids = duplicates
            lead.duplicate_project_warning = (
                lead._get_duplicate_project_warning(duplicates) if duplicates else False
            )

    @api.constrains("name", "partner_id", "type", "company_id")
    def _check_duplicate_project_name(self):
        for lead in self:
            if lead._get_duplicate_policy() != "forbid":
                continue
            lead._take_turn_in_duplicate_scope()
            duplicates = lead._find_duplicate_projects()
            if duplicates:
                raise ValidationError(
                    self.env._(
                        "A project named %(name)s already exists%(where)s: %(projects)s. Choose another name.",  # noqa: E501
                        name=lead.name.strip(),
                        where=self.env._(" for %s", lead.partner_id.commercial_partner_id.name)
                        if lead._get_duplicate_scope() == "customer" and lead.partner_id
                        else "",
                        projects=", ".join(
                            duplicates.sudo().mapped(
                                lambda d: f"{d.name} ({d.user_id.name or '-'})"
                            )
                        ),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._check_required_project_fields()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if vals.keys() & {"type", *self._get_required_field_names()}:
            self._check_required_project_fields()
        return res

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
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = write_date WHERE id = %s",
                    SQL.identifier(table),
                    row_id,
                )
            )

    def _get_duplicate_policy(self):
        return (
            (self.company_id or self.env.company).project_duplicate_policy
            if self.type == "opportunity"
            else "allow"
        )

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
            conditions.append(
                SQL(
                    "partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = %s)",
                    customer.id,
                )
            )
        else:
            company = self.company_id or self.env.company
            conditions.append(SQL("(company_id = %s OR company_id IS NULL)", company.id))
        self.env["crm.lead"].flush_model(["name", "type", "partner_id", "company_id", "active"])
        self.env.cr.execute(
            SQL("SELECT id FROM crm_lead WHERE %s LIMIT 10", SQL(" AND ").join(conditions))
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _get_duplicate_project_warning(self, duplicates):
        links = []
        for project in duplicates.sudo():
            if project.with_env(self.env).has_access("read"):
                links.append(
                    Markup('<a href="/odoo/crm.lead/%s">%s</a> (%s)')
                    % (
                        project.id,
                        project.name,
                        project.user_id.name or "-",
                    )
                )
            else:
                links.append(
                    escape(
                        self.env._(
                            "a project you cannot see (owner: %s)", project.user_id.name or "-"
                        )
                    )
                )
        return Markup("%s %s") % (
            self.env._("Projects with the same name already exist:"),
            Markup(", ").join(links),
        )

    def _check_required_project_fields(self):
        for lead in self.filtered(lambda lead: lead.type == "opportunity"):
            required = (lead.company_id or self.env.company).sudo().project_required_field_ids
            missing = [
                field.field_description
                for field in required
                if field.name in lead and not lead[field.name]
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "Fill in before saving the project %(project)s: %(fields)s.",
                        project=lead.name,
                        fields=", ".join(missing),
                    )
                )

    def _get_required_field_names(self):
        companies = self.company_id | self.env.company
        return set(companies.sudo().project_required_field_ids.mapped("name"))
