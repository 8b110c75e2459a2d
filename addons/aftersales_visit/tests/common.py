from odoo import api
from odoo.tests import new_test_user

from odoo.addons.sales_pipeline.tests.common import ContractCase

STAFF_GROUPS = "base.group_user,aftersales_visit.group_aftersales_user"
AFTERSALES_MANAGER_GROUPS = "base.group_user,aftersales_visit.group_aftersales_manager"


class AftersalesCase(ContractCase):
    """After-sales staff, an after-sales manager and a two-stage delivery flow of our own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(cls.env, login="as_staff", groups=STAFF_GROUPS, name="Staff")
        cls.staff_2 = new_test_user(
            cls.env, login="as_staff_2", groups=STAFF_GROUPS, name="Staff 2"
        )
        cls.as_manager = new_test_user(
            cls.env,
            login="as_manager",
            groups=AFTERSALES_MANAGER_GROUPS,
            name="After-sales Manager",
        )
        cls.env["aftersales.visit.flow"].search([]).active = False
        cls.phone = cls.env.ref("aftersales_visit.visit_method_phone")
        cls.template = cls.env["aftersales.visit.template"].create(
            {
                "name": "Test template",
                "script": "Hello {contact}, about {contract} ({products}) {unknown}",
                "question_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "name": "Satisfied with {contract}?",
                            "answer_type": "score",
                            "escalate_max_score": 2,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "name": "Complete?",
                            "answer_type": "yes_no",
                            "escalate_on_no": True,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 3,
                            "name": "Remarks",
                            "answer_type": "text",
                            "required": False,
                        },
                    ),
                ],
            }
        )
        cls.flow = cls.env["aftersales.visit.flow"].create(
            {
                "name": "Test delivery flow",
                "trigger": "delivery_done",
                "stage_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "name": "Call",
                            "method_id": cls.phone.id,
                            "delay_days": 3,
                            "assignee_rule": "contract_rep",
                            "template_id": cls.template.id,
                            "escalation": "complaint",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "name": "Follow-up",
                            "method_id": cls.phone.id,
                            "delay_days": 10,
                            "assignee_rule": "round_robin",
                            "team_user_ids": [(6, 0, [cls.staff.id, cls.staff_2.id])],
                            "template_id": cls.template.id,
                            "escalation": "manager",
                        },
                    ),
                ],
            }
        )
        cls.stage_1, cls.stage_2 = cls.flow.stage_ids
        cls.Visit = cls.env["aftersales.visit"]

    def new_visit(self, contact=None, **vals):
        """A revisit of the test flow's first stage for the customer, assigned to staff."""
        return self.Visit.create(
            {
                "flow_id": self.flow.id,
                "stage_id": self.stage_1.id,
                "partner_id": self.customer.id,
                "contact_id": contact.id if contact else False,
                "user_id": self.staff.id,
                **vals,
            }
        )

    def deliver(self, qty=1, partial=False):
        """A contract of rep A's customer, executed (which validates its delivery)."""
        order = self._order(qty)
        self._execute(order, 0, partial=partial)
        return order

    def visits_of(self, order):
        return self.Visit.search([("sale_order_id", "=", order.id)], order="id")

    def answer(self, visit, score="4", yes_no="yes", text=False, user=None):
        visit = visit.with_user(user) if user else visit
        for line in visit.answer_ids:
            line.write(
                {
                    "score": score if line.answer_type == "score" else False,
                    "yes_no": yes_no if line.answer_type == "yes_no" else False,
                    "text": text if line.answer_type == "text" else False,
                }
            )
        return visit

    def run_cron(self, method="_cron_start_due_visits", model="aftersales.visit"):
        """Run a cron job as the scheduler does, committing batches into the test transaction."""
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            getattr(env[model], method)()
        self.env.invalidate_all()
