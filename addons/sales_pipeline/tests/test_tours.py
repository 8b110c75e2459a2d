"""The main screens driven in a real browser (headless Chromium) the way users click them."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import MANAGER_GROUPS, REP_GROUPS


@tagged("post_install", "-at_install")
class TestSalesTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env, login="tour_rep", groups=REP_GROUPS, name="Tour Rep", lang="en_US"
        )
        cls.manager = new_test_user(
            cls.env, login="tour_manager", groups=MANAGER_GROUPS, name="Tour Manager", lang="en_US"
        )
        params = cls.env["ir.config_parameter"].sudo()
        for key in (
            "max_claimed",
            "reclaim_cooldown_days",
            "quote_limit_per_project",
            "quote_limit_per_customer",
        ):
            params.set_param(f"sales_pipeline.{key}", "0")
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.env["sale.order.discount.rule"].search([]).active = False
        cls.product = cls.env["product.product"].create(
            {
                "name": "Tour Widget",
                "type": "consu",
                "is_storable": True,
                "list_price": 100,
                "standard_price": 60,
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            }
        )
        stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.product, stock, 10)

    def customer(self, name, owner=None):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "is_customer": True,
                "user_id": owner.id if owner else False,
            }
        )

    def order(self, customer, qty=3):
        return self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.rep.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": qty})],
            }
        )

    def test_rep_claims_a_pool_customer_and_logs_a_follow_up(self):
        customer = self.customer("Tour Pool Customer")
        self.env["res.partner.followup.template"].create(
            {"name": "Tour Template", "body": "<p>Tour follow-up text</p>"}
        )
        self.start_tour(
            "/odoo/action-sales_pipeline.res_partner_action_pool",
            "sales_pipeline_claim_and_follow_up",
            login="tour_rep",
        )
        self.assertEqual(customer.user_id, self.rep)
        self.assertIn("Tour follow-up text", customer.followup_ids.content)

    def test_rep_quotes_from_a_project_and_exports_excel(self):
        customer = self.customer("Tour Project Customer", owner=self.rep)
        project = self.env["crm.lead"].create(
            {
                "name": "Tour Project",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": self.rep.id,
            }
        )
        self.start_tour(
            f"/odoo/action-sales_pipeline.crm_lead_action_projects/{project.id}",
            "sales_pipeline_quote_from_project",
            login="tour_rep",
        )
        quote = project.order_ids
        self.assertEqual(quote.order_line.product_id, self.product)
        exported = self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", quote.id)]
        )
        self.assertTrue(exported.filtered(lambda a: a.name.endswith(".xlsx")))

    def test_manager_approves_a_contract(self):
        self.env["sale.order.approval.rule"].create(
            {
                "name": "Tour rule",
                "min_amount": 1,
                "level_ids": [(0, 0, {"approver_type": "user", "user_id": self.manager.id})],
            }
        )
        order = self.order(self.customer("Tour Approval Customer", owner=self.rep))
        order.with_user(self.rep).action_submit_contract()
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sales_pipeline_manager_approves",
            login="tour_manager",
        )
        self.assertEqual(order.contract_state, "approved")
        self.assertEqual(order.contract_approval_ids.reason, "Prices checked.")

    def test_rep_runs_one_step_execution(self):
        order = self.order(self.customer("Tour Execution Customer", owner=self.rep))
        order.with_user(self.rep).action_submit_contract()
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sales_pipeline_one_step_execution",
            login="tour_rep",
        )
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.contract_executed_on)
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.invoice_ids.state, "posted")


@tagged("post_install", "-at_install")
class TestContractPhoneTour(HttpCase):
    """A rep makes a contract directly, a manager approves it from To Approve on a phone, the
    rep executes it."""

    browser_size = "375x667"
    touch_enabled = True

    def test_direct_contract_approved_on_a_phone_then_executed(self):
        env = self.env
        rep = new_test_user(
            env, login="phone_rep", groups=REP_GROUPS, name="Phone Rep", lang="en_US"
        )
        manager = new_test_user(
            env, login="phone_manager", groups=MANAGER_GROUPS, name="Phone Manager", lang="en_US"
        )
        env["sale.order.approval.rule"].search([]).active = False
        env["sale.order.discount.rule"].search([]).active = False
        env["sale.order.approval.rule"].create(
            {
                "name": "Phone rule",
                "min_amount": 1,
                "level_ids": [(0, 0, {"approver_type": "user", "user_id": manager.id})],
            }
        )
        product = env["product.product"].create(
            {
                "name": "Tour Widget",
                "is_storable": True,
                "list_price": 300,  # what the execution tour says is received
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            }
        )
        stock = env.ref("stock.warehouse0").lot_stock_id
        env["stock.quant"]._update_available_quantity(product, stock, 10)
        customer = env["res.partner"].create(
            {
                "name": "Tour Direct Customer",
                "is_company": True,
                "is_customer": True,
                "user_id": rep.id,
            }
        )
        self.browser_size = "1366x768"  # the rep at the office
        self.start_tour(
            "/odoo/action-sales_pipeline.sale_order_action_contracts",
            "sales_pipeline_contract_direct",
            login="phone_rep",
        )
        contract = env["sale.order"].search([("partner_id", "=", customer.id)])
        self.assertEqual((contract.is_contract, contract.contract_state), (True, "pending"))
        self.browser_size = "375x667"  # the manager on the road
        self.start_tour(
            "/odoo/action-sales_pipeline.sales_pipeline_approval_action_to_approve",
            "sales_pipeline_approve_from_to_approve",
            login="phone_manager",
        )
        self.assertEqual(contract.contract_state, "approved")
        self.browser_size = "1366x768"
        self.start_tour(
            f"/odoo/action-sales_pipeline.sale_order_action_contracts/{contract.id}",
            "sales_pipeline_one_step_execution",
            login="phone_rep",
        )
        self.assertEqual((contract.state, contract.contract_stage), ("sale", "executed"))
