from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, REP_GROUPS, SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCompanies(SalesPipelineCase):
    """The shipped rules serve every company; approvers are people of the contract's company;
    the demo is a Chinese company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "杭州分公司",
                "currency_id": cls.env.ref("base.CNY").id,
                "country_id": cls.env.ref("base.cn").id,
            }
        )
        in_b = {"company_id": cls.company_b.id, "company_ids": [Command.set(cls.company_b.ids)]}
        cls.rep_hz = new_test_user(cls.env, login="hz_rep", groups=REP_GROUPS, **in_b)
        cls.leader_hz = new_test_user(cls.env, login="hz_leader", groups=MANAGER_GROUPS, **in_b)
        cls.team_hz = cls.env["crm.team"].create(
            {
                "name": "杭州团队",
                "company_id": cls.company_b.id,
                "user_id": cls.leader_hz.id,
                "member_ids": [Command.set(cls.rep_hz.ids)],
            }
        )
        cls.customer_hz = cls.make_customer("杭州客户", owner=cls.rep_hz)
        cls.product = cls.env["product.product"].create({"name": "货架", "list_price": 1000})

    def _contract(self, amount, team, user=None, customer=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.rep_hz)
            .create(
                {
                    "partner_id": (customer or self.customer_hz).id,
                    "team_id": team.id,
                    "is_contract": True,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def test_the_shipped_approval_rules_serve_a_later_company(self):
        order = self._contract(60000, self.team_hz)
        self.assertEqual(order.company_id, self.company_b)
        order.action_submit_contract()
        self.assertEqual(order.contract_state, "pending")
        approval = order._current_approval("contract")
        self.assertEqual(approval.company_id, self.company_b)
        self.assertEqual(approval.approver_ids, self.leader_hz)

    def test_the_fallback_managers_are_of_the_contracts_company(self):
        rep_alone = new_test_user(
            self.env,
            login="hz_rep_alone",
            groups=REP_GROUPS,
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        team_without_leader = self.env["crm.team"].create(
            {"name": "无主管团队", "company_id": self.company_b.id}
        )
        customer = self.make_customer("杭州客户二", owner=rep_alone)
        order = self._contract(60000, team_without_leader, user=rep_alone, customer=customer)
        order.with_user(rep_alone).action_submit_contract()
        approval = order._current_approval("contract")
        self.assertTrue(approval.fell_back)
        self.assertIn(self.leader_hz, approval.approver_ids)
        self.assertNotIn(
            self.manager, approval.approver_ids, "a manager of another company cannot open it"
        )

    def test_the_demo_company_is_chinese(self):
        company = self.env.ref("sales_pipeline.demo_company_cn")
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))
        self.assertEqual(company.country_id.code, "CN")
        self.assertIn(company.chart_template, ("cn", "generic_coa"))
        if self.env.ref("base.module_l10n_cn").state == "installed":
            self.assertEqual(company.chart_template, "cn")
        for login in ("wanglei", "zhangwei", "lina", "chenjing"):
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertEqual(user.company_id, company, login)
        waiting = self.env.ref("sales_pipeline.sale_order_tianhe_big_demo")
        self.assertEqual(waiting.company_id, company)
        self.assertEqual(waiting.currency_id, company.currency_id)
        self.assertEqual(waiting.amount_total, 64600)
        approval = waiting._current_approval("contract")
        self.assertEqual(approval.approver_ids.login, "zhangwei")
