from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ProjectCase


@tagged("post_install", "-at_install")
class TestProjectProcess(ProjectCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.make_process_template(
            "Test Process",
            ("Visit", {"need_followup": True}),
            ("Documents", {"need_attachment": True}),
            ("Quote", {"need_quote": True, "need_approval": True}),
            "Contract",
        )
        cls.visit, cls.documents, cls.quote, cls.contract = cls.template.step_ids

    def _project(self):
        return self.make_project(
            "Process Project", owner=self.rep_a, process_template_id=self.template.id
        )

    def _followup(self, project, user=None):
        return (
            self.env["res.partner.followup"]
            .with_user(user or self.rep_a)
            .create(
                {
                    "lead_id": project.id,
                    "content": "<p>done</p>",
                }
            )
        )

    def test_project_starts_at_the_first_step(self):
        project = self._project()
        self.assertEqual(project.process_step_id, self.visit)
        self.assertFalse(project.step_requirements_met)
        self.assertIn("Follow-up Recorded", project.step_checklist)

    def test_cannot_leave_a_step_with_unmet_requirements(self):
        project = self._project()
        for user in (self.rep_a, self.manager):
            with self.subTest(user=user.name):
                with self.assertRaisesRegex(UserError, "cannot leave the step Visit"):
                    self.as_user(project, user).action_next_step()
                with self.assertRaisesRegex(UserError, "Missing: Follow-up Recorded"):
                    self.as_user(project, user).write({"process_step_id": self.documents.id})
                self.assertEqual(project.process_step_id, self.visit)

    def test_can_move_on_once_met(self):
        project = self._project()
        self._followup(project)
        self.assertTrue(project.step_requirements_met)
        self.as_user(project, self.rep_a).action_next_step()
        self.assertEqual(project.process_step_id, self.documents)
        # a follow-up of an earlier step does not count for this one, an attachment does
        self.assertFalse(project.step_requirements_met)
        self.env["ir.attachment"].create(
            {"name": "needs.pdf", "raw": b"%PDF", "res_model": "crm.lead", "res_id": project.id}
        )
        self.env.invalidate_all()
        self.as_user(project, self.rep_a).action_next_step()
        self.assertEqual(project.process_step_id, self.quote)

    def test_skipping_steps_with_requirements_is_refused(self):
        project = self._project()
        self._followup(project)
        with self.assertRaisesRegex(UserError, "Documents: Document Attached"):
            self.as_user(project, self.manager).write({"process_step_id": self.contract.id})
        self.assertEqual(project.process_step_id, self.visit)

    def test_moving_back_is_free(self):
        project = self._project()
        self._followup(project)
        project.action_next_step()
        self.as_user(project, self.rep_a).write({"process_step_id": self.visit.id})
        self.assertEqual(project.process_step_id, self.visit)

    def test_approval_step_needs_a_manager(self):
        project = self._project()
        self._followup(project)
        project.action_next_step()
        self.env["ir.attachment"].create(
            {"name": "a.pdf", "raw": b"x", "res_model": "crm.lead", "res_id": project.id}
        )
        project.action_next_step()
        self.env["sale.order"].create(
            {"partner_id": self.customer.id, "opportunity_id": project.id, "user_id": self.rep_a.id}
        )
        with self.assertRaisesRegex(UserError, "Manager Approval"):
            self.as_user(project, self.rep_a).action_next_step()
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            self.as_user(project, self.rep_a).action_approve_step()
        self.as_user(project, self.manager).action_approve_step()
        self.assertEqual(project.step_approved_by_id, self.manager)
        self.as_user(project, self.rep_a).action_next_step()
        self.assertEqual(project.process_step_id, self.contract)
        self.assertFalse(project.step_approved_by_id, "an approval holds for its step only")
        with self.assertRaisesRegex(UserError, "last step"):
            project.action_next_step()

    def test_pipeline_by_step_for_managers(self):
        project = self._project()
        result = (
            self.env["crm.lead"]
            .with_user(self.manager)
            .with_context(read_group_expand=True)
            .web_read_group(
                [("process_template_id", "=", self.template.id)],
                ["process_step_id"],
                ["__count"],
            )
        )
        counts = {
            group["process_step_id"][0]: group["__count"]
            for group in result["groups"]
            if group["process_step_id"]
        }
        self.assertEqual(counts.get(self.visit.id), 1)
        self.assertIn(self.contract.id, counts, "empty steps show as columns")
        self.assertTrue(project)
