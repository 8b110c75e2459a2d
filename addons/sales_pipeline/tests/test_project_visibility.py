from odoo.exceptions import AccessError, MissingError
from odoo.tests import tagged

from .common import ProjectCase


@tagged("post_install", "-at_install")
class TestProjectVisibility(ProjectCase):
    def test_rep_sees_projects_of_customers_they_see(self):
        pool_customer = self.make_customer("Visible Pool Buyer")
        pool_project = self.make_project("Pool Customer Project", customer=pool_customer)
        own_project = self.make_project("Own Customer Project", owner=self.rep_a)
        Lead = self.as_user(self.env["crm.lead"], self.rep_b)
        found = Lead.search([("id", "in", (pool_project | own_project).ids)])
        self.assertEqual(
            found, pool_project, "rep B sees the pool customer's project, not rep A's customer's"
        )
        # sharing the customer does not open rep A's projects; following one does
        self.customer.share_with(self.rep_b)
        with self.assertRaises(AccessError):
            self.as_user(own_project, self.rep_b).read(["name"])
        own_project.member_ids = [(0, 0, {"user_id": self.rep_b.id})]
        self.assertTrue(self.as_user(own_project, self.rep_b).name)

    def test_never_projects_of_a_protected_customer_of_someone_else(self):
        self.customer.action_protect()
        project = self.make_project("Protected Customer Project", owner=self.rep_b)
        project_of_a = self.make_project("A's Protected Project", owner=self.rep_a)
        Lead = self.as_user(self.env["crm.lead"], self.rep_b)
        self.assertFalse(Lead.search([("id", "in", (project | project_of_a).ids)]))
        self.assertEqual(self.as_user(project, self.rep_b).read(["name"]), [])
        with self.assertRaises(MissingError):
            self.as_user(project, self.rep_b).mapped("name")
        self.assertEqual(
            self.as_user(self.env["crm.lead"], self.rep_a).search(
                [("id", "in", (project | project_of_a).ids)]
            ),
            project_of_a,
            "rep A sees their own; rep B's project is rep B's document",
        )
        self.assertEqual(
            self.as_user(self.env["crm.lead"], self.manager).search_count(
                [("id", "in", (project | project_of_a).ids)]
            ),
            2,
        )

    def test_projects_without_customer_follow_odoo_rules(self):
        mine = self.make_project(
            "No Customer Mine", owner=self.rep_b, customer=self.env["res.partner"]
        )
        unassigned = self.make_project("No Customer Open", customer=self.env["res.partner"])
        others = self.make_project(
            "No Customer Others", owner=self.rep_a, customer=self.env["res.partner"]
        )
        found = self.as_user(self.env["crm.lead"], self.rep_b).search(
            [("id", "in", (mine | unassigned | others).ids)]
        )
        self.assertEqual(found, mine | unassigned)
