"""The whole path of the article, end to end: customer → project → quotation →
contract → execution → return, each step by the role that does it."""

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.sales_pipeline.tests.common import CLERK_GROUPS, MANAGER_GROUPS, REP_GROUPS


@tagged("post_install", "-at_install")
class TestWholeSale(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="whole_rep", groups=REP_GROUPS, name="Whole Rep")
        cls.manager = new_test_user(
            cls.env, login="whole_manager", name="Whole Manager", groups=MANAGER_GROUPS
        )
        cls.clerk = new_test_user(cls.env, login="whole_clerk", groups=CLERK_GROUPS)
        cls.team = cls.env["crm.team"].create({"name": "Whole Team", "user_id": cls.manager.id})
        cls.env["sale.order.discount.rule"].search([]).active = False
        cls.env["sale.order.discount.rule"].create(
            {"tier": "new", "default_discount": 2, "max_discount": 5}
        )
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.env["sale.order.approval.rule"].create(
            {
                "name": "All contracts",
                "min_amount": 1,
                "level_ids": [(0, 0, {"approver_type": "team_leader"})],
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Shelf Unit",
                "type": "consu",
                "is_storable": True,
                "list_price": 500,
                "standard_price": 300,
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            }
        )
        stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.product, stock, 20)
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.template = cls.env.ref("sales_pipeline.crm_lead_process_template_standard")

    def test_customer_to_return(self):
        # 1. a clerk enters the customer for the rep (专人录入)
        customer = (
            self.env["res.partner"]
            .with_user(self.clerk)
            .create(
                {
                    "name": "Whole Sale Ltd",
                    "is_customer": True,
                    "user_id": self.rep.id,
                    "mobile": "13911112222",
                }
            )
        )
        self.assertEqual(customer.pool_state, "claimed")
        # 2. the rep opens a project on the standard process and records the first visit
        project = (
            self.env["crm.lead"]
            .with_user(self.rep)
            .create(
                {
                    "name": "Warehouse Shelves",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "user_id": self.rep.id,
                    "team_id": self.team.id,
                    "process_template_id": self.template.id,
                }
            )
        )
        self.env["res.partner.followup"].with_user(self.rep).create(
            {"lead_id": project.id, "content": "<p>Visited</p>"}
        )
        project.with_user(self.rep).action_next_step()
        self.assertEqual(
            project.process_step_id, self.env.ref("sales_pipeline.crm_lead_process_step_needs")
        )
        # 3. a quotation from the project: the new-customer discount applies
        action = project.with_user(self.rep).action_new_quotation()
        quote = (
            self.env["sale.order"]
            .with_user(self.rep)
            .with_context(**action["context"])
            .create(
                {
                    "team_id": self.team.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 10})],
                }
            )
        )
        self.assertEqual((quote.opportunity_id, quote.customer_tier), (project, "new"))
        self.assertEqual(quote.order_line.discount, 2)
        # 4. the contract is approved by the team leader
        quote.with_user(self.rep).action_submit_contract()
        quote.with_user(self.manager).action_approve_contract("OK")
        self.assertEqual(quote.contract_state, "approved")
        # 5. one step: confirmed, delivered, invoiced, half paid
        wizard = (
            self.env["sale.order.execute.wizard"]
            .with_user(self.rep)
            .create(
                {
                    "order_id": quote.id,
                    "journal_id": self.journal.id,
                    "amount": 2450,
                }
            )
        )
        wizard.action_execute()
        self.assertEqual(quote.state, "sale")
        self.assertEqual(quote.picking_ids.state, "done")
        self.assertEqual((quote.amount_received, quote.amount_still_due), (2450, 2450))
        self.assertTrue(customer.last_won_date)
        self.assertEqual(customer.customer_tier, "old")
        # 6. two shelves come back: approved, taken back, credited
        action = quote.with_user(self.rep).action_new_return()
        ret = (
            self.env["sale.order.return"]
            .with_user(self.rep)
            .with_context(**action["context"])
            .create({"reason": "Wrong size"})
        )
        ret.line_ids.quantity = 2
        ret.with_user(self.rep).action_submit()
        ret.with_user(self.manager).action_approve()
        ret.with_user(self.rep).action_process()
        self.assertEqual(ret.credit_note_id.amount_total, 980)
        self.assertAlmostEqual(quote.margin_after_returns, quote.margin * 8 / 10)
