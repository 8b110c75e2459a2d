from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged

from .common import ProjectCase


@tagged("post_install", "-at_install")
class TestProjectClaim(ProjectCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pool_customer = cls.make_customer("Pool Buyer")
        cls.open_project = cls.make_project("Open Project", customer=pool_customer)

    def test_rep_requests_and_manager_approves(self):
        request = self.as_user(self.open_project, self.rep_b).action_request_claim(
            "I know their buyer"
        )
        self.assertEqual((request.state, request.user_id), ("pending", self.rep_b))
        self.assertFalse(self.open_project.user_id, "nothing changes before the approval")
        self.as_user(request, self.manager).action_approve()
        self.assertEqual(self.open_project.user_id, self.rep_b)
        self.assertEqual((request.state, request.decided_by_id), ("approved", self.manager))
        self.as_user(self.open_project, self.rep_b).write({"description": "<p>Kick-off</p>"})

    def test_rejection_tells_the_rep_why(self):
        request = self.as_user(self.open_project, self.rep_b).action_request_claim()
        with self.assertRaisesRegex(UserError, "Say why"):
            self.as_user(request, self.manager).action_reject(" ")
        self.as_user(request, self.manager).action_reject("Rep A knows them better")
        self.assertEqual(
            (request.state, request.decision_reason), ("rejected", "Rep A knows them better")
        )
        self.assertFalse(self.open_project.user_id)
        self.assertIn("Rep A knows them better", self.open_project.message_ids[0].body)
        told = request.message_ids[0]
        self.assertIn("Rep A knows them better", told.body)
        self.assertIn(self.rep_b.partner_id, told.partner_ids, "the requester is told")

    def test_approving_one_rejects_the_others(self):
        first = self.as_user(self.open_project, self.rep_a).action_request_claim()
        second = self.as_user(self.open_project, self.rep_b).action_request_claim()
        self.as_user(second, self.manager).action_approve()
        self.assertEqual(first.state, "rejected")
        self.assertIn("Rep B", first.decision_reason)
        self.assertFalse(first.approval_ids.filtered(lambda a: a.state == "pending"))

    def test_double_request_is_refused(self):
        self.as_user(self.open_project, self.rep_b).action_request_claim()
        with self.assertRaisesRegex(UserError, "already asked"):
            self.as_user(self.open_project, self.rep_b).action_request_claim()
        self.assertEqual(len(self.open_project.claim_request_ids), 1)

    def test_request_on_owned_or_assigned_project_is_refused(self):
        mine = self.make_project("Already Mine", owner=self.rep_a)
        with self.assertRaisesRegex(UserError, "already yours"):
            self.as_user(mine, self.rep_a).action_request_claim()
        mine.partner_id = self.make_customer("Shared Buyer", owner=self.rep_a)
        mine.partner_id.share_with(self.rep_b)
        mine.member_ids = [(0, 0, {"user_id": self.rep_b.id})]
        with self.assertRaisesRegex(UserError, "already followed by Rep A"):
            self.as_user(mine, self.rep_b).action_request_claim()
        self.assertFalse(mine.claim_request_ids)

    def test_only_managers_decide_and_not_their_own(self):
        request = self.as_user(self.open_project, self.rep_b).action_request_claim()
        # another rep's request is not even seen: answered as a missing one
        with self.assertRaisesRegex(MissingError, "does not exist"):
            self.as_user(request.sudo(), self.rep_a).action_approve()
        own = self.as_user(self.open_project, self.manager).action_request_claim()
        with self.assertRaisesRegex(AccessError, "request of your own"):
            self.as_user(own, self.manager).action_approve()
        self.assertFalse(self.open_project.user_id)

    def test_reps_see_only_their_own_requests(self):
        request = self.as_user(self.open_project, self.rep_b).action_request_claim()
        self.assertFalse(
            self.as_user(self.env["crm.lead.claim.request"], self.rep_a).search(
                [("id", "=", request.id)]
            )
        )
        self.assertTrue(
            self.as_user(self.env["crm.lead.claim.request"], self.manager).search(
                [("id", "=", request.id)]
            )
        )

    def test_claim_wizard_sends_the_request(self):
        wizard = (
            self.env["crm.lead.claim.wizard"]
            .with_user(self.rep_b)
            .create(
                {
                    "lead_id": self.open_project.id,
                    "mode": "request",
                    "note": "please",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.open_project.claim_request_ids.note, "please")

    def test_manager_assigns_projects_in_batch(self):
        second = self.make_project("Second Open", customer=self.open_project.partner_id)
        pending = self.as_user(self.open_project, self.rep_a).action_request_claim()
        wizard = (
            self.env["crm.lead.assign.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "lead_ids": [(6, 0, (self.open_project | second).ids)],
                    "user_id": self.rep_b.id,
                    "note": "Call this week",
                }
            )
        )
        wizard.action_assign()
        self.assertEqual((self.open_project | second).user_id, self.rep_b)
        self.assertEqual(pending.state, "rejected")
        self.assertIn(self.rep_b.partner_id, self.open_project.message_ids[0].partner_ids)

    def test_rep_cannot_assign(self):
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            self.as_user(self.open_project, self.rep_a).action_assign_to(self.rep_a)
        self.assertFalse(self.open_project.user_id)

    def test_rep_cannot_take_an_unassigned_project_by_writing_it(self):
        """Our policy, said in our words: projects are asked for, leads are taken."""
        # in the user's language (the test database loads Chinese)
        with self.assertRaisesRegex(AccessError, "Request Claim|申请领用"):
            self.as_user(self.open_project, self.rep_a).write({"user_id": self.rep_a.id})
        self.assertFalse(self.open_project.user_id)

    def test_rep_cannot_create_a_project_for_nobody_or_someone_else(self):
        Lead = self.env["crm.lead"].with_user(self.rep_a)
        for owner in (self.env["res.users"], self.rep_b):
            with (
                self.subTest(owner=owner.name),
                self.assertRaisesRegex(
                    AccessError, "created or assigned by a sales manager|由销售经理完成"
                ),
            ):
                Lead.create({"name": "Sneaky", "type": "opportunity", "user_id": owner.id})
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Sneaky")]))

    def test_rep_works_unassigned_leads_as_in_odoo(self):
        """Odoo's lead flow (crm test_lead_merge_user): a rep enters leads without
        salesperson, merges them and converts them into their own opportunity."""
        Lead = self.env["crm.lead"].with_user(self.rep_a)
        leads = Lead.create(
            [
                {"name": f"Walk-in {n}", "type": "lead", "user_id": False, "email_from": "w@x.cn"}
                for n in (1, 2)
            ]
        )
        convert = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.rep_a)
            .with_context(active_model="crm.lead", active_id=leads[0].id, active_ids=leads[0].ids)
            .create({})
        )
        self.assertEqual(convert.name, "merge")
        convert.write({"user_id": self.rep_a.id})
        convert.action_apply()
        self.assertEqual((leads[0].type, leads[0].user_id), ("opportunity", self.rep_a))
        self.assertFalse(leads[1].exists())

    def test_unassigned_lead_of_a_hidden_customer_stays_hidden(self):
        self.customer.action_protect()
        lead = self.env["crm.lead"].create(
            {
                "name": "Hidden Lead",
                "type": "lead",
                "partner_id": self.customer.id,
                "user_id": False,
            }
        )
        with self.assertRaises(MissingError):
            self.as_user(lead, self.rep_b).write({"user_id": self.rep_b.id})
        self.assertFalse(lead.user_id)


@tagged("post_install", "-at_install")
class TestProjectMembers(ProjectCase):
    def test_members_follow_and_write(self):
        project = self.make_project("Team Project", owner=self.rep_a)
        self.customer.share_with(self.rep_b)
        self.as_user(project, self.rep_a).write(
            {"member_ids": [(0, 0, {"user_id": self.rep_b.id, "role": "helper"})]}
        )
        self.as_user(project, self.rep_b).write({"description": "<p>Helper notes</p>"})
        followup = (
            self.env["res.partner.followup"]
            .with_user(self.rep_b)
            .create(
                {
                    "lead_id": project.id,
                    "content": "<p>Met the engineers</p>",
                }
            )
        )
        self.assertEqual(followup.partner_id, self.customer)
        self.assertEqual(project.followup_count, 1)

    def test_non_member_cannot_write_unassigned_or_others_projects(self):
        pool_customer = self.make_customer("Pool Project Buyer")
        unassigned = self.make_project("Nobody's", customer=pool_customer)
        others = self.make_project("Rep A's", owner=self.rep_a, customer=pool_customer)
        self.assertTrue(
            self.as_user(unassigned, self.rep_b).name, "unassigned projects stay readable"
        )
        for project in (unassigned, others):
            with self.subTest(project=project.name), self.assertRaises(AccessError):
                self.as_user(project, self.rep_b).write({"description": "<p>x</p>"})
        with self.assertRaises(AccessError):
            self.env["res.partner.followup"].with_user(self.rep_b).create(
                {"lead_id": others.id, "content": "<p>x</p>"}
            )

    def test_only_the_owner_manages_members(self):
        project = self.make_project("Owned", owner=self.rep_a)
        self.customer.share_with(self.rep_b)
        project.member_ids = [(0, 0, {"user_id": self.rep_b.id})]
        with self.assertRaises(AccessError):
            self.as_user(project.member_ids, self.rep_b).write({"role": "lead"})
