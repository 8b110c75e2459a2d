from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ProjectCase


@tagged("post_install", "-at_install")
class TestProjectEntryPolicy(ProjectCase):
    def _new_project_form(self, user, name, customer=None):
        form = Form(self.env["crm.lead"].with_user(user).with_context(default_type="opportunity"))
        form.name = name
        form.partner_id = customer or self.customer
        return form

    def test_allow_lets_duplicates_in(self):
        self.make_project("Plant Upgrade", owner=self.rep_a)
        twin = self.make_project("plant upgrade ", owner=self.rep_a)
        self.assertTrue(twin.exists())
        self.assertFalse(twin.duplicate_project_ids)

    def test_warn_shows_existing_projects_and_saves(self):
        self.company.project_duplicate_policy = "warn"
        existing = self.make_project("Plant Upgrade", owner=self.rep_a)
        form = self._new_project_form(self.rep_a, "  PLANT upgrade")
        self.assertIn(f"/odoo/crm.lead/{existing.id}", form.duplicate_project_warning)
        project = form.save()
        self.assertTrue(project.exists())
        # through RPC-like calls a warning is no refusal
        self.assertTrue(
            self.env["crm.lead"]
            .with_user(self.rep_a)
            .create(
                {
                    "name": "plant upgrade",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                }
            )
        )

    def test_forbid_refuses_form_create_and_write(self):
        self.company.project_duplicate_policy = "forbid"
        self.make_project("Plant Upgrade", owner=self.rep_a)
        form = self._new_project_form(self.rep_a, " plant UPGRADE ")
        with self.assertRaisesRegex(ValidationError, "already exists"):
            form.save()
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self.env["crm.lead"].with_user(self.rep_a).create(
                {
                    "name": "Plant upgrade",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                }
            )
        other = self.make_project("Boiler Retrofit", owner=self.rep_a)
        with self.assertRaisesRegex(ValidationError, "already exists"):
            other.with_user(self.rep_a).write({"name": "PLANT UPGRADE"})
        self.assertEqual(other.name, "Boiler Retrofit")
        self.assertEqual(
            self.env["crm.lead"].search_count([("name", "=ilike", "plant upgrade")]), 1
        )

    def test_forbid_through_import(self):
        self.company.project_duplicate_policy = "forbid"
        self.make_project("Imported Name", owner=self.rep_a)
        result = (
            self.env["crm.lead"]
            .with_user(self.rep_a)
            .load(
                ["name", "type", "partner_id/.id", "user_id/.id"],
                [["imported name", "opportunity", str(self.customer.id), str(self.rep_a.id)]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertIn("already exists", result["messages"][0]["message"])

    def test_scope_customer_or_company(self):
        self.company.project_duplicate_policy = "forbid"
        other_customer = self.make_customer("Other Customer", owner=self.rep_a)
        self.make_project("Shared Name", owner=self.rep_a)
        self.assertTrue(self.make_project("Shared Name", owner=self.rep_a, customer=other_customer))
        self.company.project_duplicate_scope = "company"
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self.make_project("shared name", owner=self.rep_a, customer=other_customer)

    def test_leads_are_not_projects(self):
        self.company.project_duplicate_policy = "forbid"
        self.make_project("Same As Lead", owner=self.rep_a)
        lead = self.env["crm.lead"].create({"name": "Same As Lead", "type": "lead"})
        self.assertTrue(lead.exists())

    def test_required_fields_are_enforced(self):
        fields_ = self.env["ir.model.fields"]._get("crm.lead", "expected_revenue") | self.env[
            "ir.model.fields"
        ]._get("crm.lead", "date_deadline")
        self.company.project_required_field_ids = [(6, 0, fields_.ids)]
        with self.assertRaisesRegex(ValidationError, "Expected Revenue"):
            self.env["crm.lead"].with_user(self.rep_a).create(
                {
                    "name": "No Revenue",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                }
            )
        project = (
            self.env["crm.lead"]
            .with_user(self.rep_a)
            .create(
                {
                    "name": "Complete",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                    "expected_revenue": 50000,
                    "date_deadline": "2026-12-31",
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "Expected Revenue"):
            project.write({"expected_revenue": 0})
        self.assertEqual(project.expected_revenue, 50000)
