from datetime import timedelta

from odoo import Command, api, fields
from odoo.tests import TransactionCase, new_test_user

from .helpers import RollbackOnRaiseMixin

REP_GROUPS = "base.group_user,sales_team.group_sale_salesman"
MANAGER_GROUPS = "base.group_user,sales_team.group_sale_salesman_all_leads"
CLERK_GROUPS = "base.group_user,sales_pipeline.group_customer_clerk"


class SalesPipelineCase(RollbackOnRaiseMixin, TransactionCase):
    """Users (reps A and B, manager, clerk) and settings every customer test needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        cls.rep_a = new_test_user(cls.env, login="sp_rep_a", groups=REP_GROUPS, name="Rep A")
        cls.rep_b = new_test_user(cls.env, login="sp_rep_b", groups=REP_GROUPS, name="Rep B")
        cls.manager = new_test_user(
            cls.env, login="sp_manager", groups=MANAGER_GROUPS, name="Manager"
        )
        cls.clerk = new_test_user(cls.env, login="sp_clerk", groups=CLERK_GROUPS, name="Clerk")
        cls.Partner = cls.env["res.partner"]
        cls.set_pool_settings(
            max_claimed=0,
            max_protected=0,
            recall_followup_days=0,
            recall_deal_days=0,
            recall_warning_days=0,
            reclaim_cooldown_days=0,
        )

    @classmethod
    def set_pool_settings(cls, **values):
        params = cls.env["ir.config_parameter"].sudo()
        for key, value in values.items():
            params.set_param(f"sales_pipeline.{key}", str(value))

    @classmethod
    def make_customer(cls, name, owner=None, protected=False, **vals):
        """A managed customer created by the superuser: in the pool, or owned by ``owner``."""
        customer = cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "is_customer": True,
                "user_id": owner.id if owner else False,
                **vals,
            }
        )
        if protected:
            customer.action_protect()
        return customer

    def as_user(self, records, user):
        """``records`` seen by ``user``, with a clean cache (no leak from the superuser)."""
        self.env.invalidate_all()
        return records.with_user(user)

    @staticmethod
    def days_from_now(days):
        return fields.Datetime.now() + timedelta(days=days)

    def run_recall_cron(self):
        """Run the recall job as the scheduler does, committing batches into the test
        transaction."""
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["res.partner"]._cron_recall_customers()
        self.env.invalidate_all()


class ProjectCase(SalesPipelineCase):
    """A customer of rep A and helpers to make projects (opportunities) of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Project Customer Ltd", owner=cls.rep_a)
        cls.company = cls.env.company
        cls.company.write(
            {
                "project_duplicate_policy": "allow",
                "project_duplicate_scope": "customer",
                "project_required_field_ids": [(5, 0, 0)],
            }
        )

    @classmethod
    def make_project(cls, name, owner=None, customer=None, **vals):
        return cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": (customer if customer is not None else cls.customer).id or False,
                "user_id": owner.id if owner else False,
                **vals,
            }
        )

    @classmethod
    def make_process_template(cls, name, *steps):
        """A process template of ``steps``, each a name or (name, {step values}), in order."""
        return cls.env["crm.lead.process.template"].create(
            {
                "name": name,
                "step_ids": [
                    Command.create(
                        {"name": step, "sequence": sequence}
                        if isinstance(step, str)
                        else {"name": step[0], "sequence": sequence, **step[1]}
                    )
                    for sequence, step in enumerate(steps, start=1)
                ],
            }
        )


class ContractCase(SalesPipelineCase):
    """A stocked product, a customer of rep A and helpers to execute contracts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.order.approval.rule"].search([]).active = False
        cls.env["sale.order.discount.rule"].search([]).active = False
        cls.customer = cls.make_customer("Execution Customer", owner=cls.rep_a)
        cls.product = cls.env["product.product"].create(
            {
                "name": "Stocked Widget",
                "type": "consu",
                "is_storable": True,
                "list_price": 100,
                "standard_price": 60,
                "invoice_policy": "order",
            }
        )
        cls.stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 10)
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.env.company.id)],
            limit=1,
        )

    def _order(self, qty):
        return (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": qty,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
        )

    def _execute(self, order, amount, partial=False, user=None):
        wizard = (
            self.env["sale.order.execute.wizard"]
            .with_user(user or self.rep_a)
            .create(
                {
                    "order_id": order.id,
                    "journal_id": self.journal.id,
                    "amount": amount,
                    "allow_partial": partial,
                }
            )
        )
        return wizard.action_execute()
