from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestCompanyRules(AftersalesCase):
    """Each company keeps its own SLA and care rules; a new company starts from the shipped ones."""

    def test_a_new_company_gets_the_shipped_rules_once(self):
        company = self.env["res.company"].create({"name": "深圳分公司"})
        sla = self.env["aftersales.sla.rule"].search([("company_id", "=", company.id)])
        care = self.env["aftersales.care.rule"].search([("company_id", "=", company.id)])
        self.assertEqual(len(sla), 12)
        self.assertEqual(sorted(care.mapped("occasion")), ["birthday", "contract_anniversary"])
        company._create_aftersales_rules()
        self.assertEqual(
            self.env["aftersales.sla.rule"].search_count([("company_id", "=", company.id)]), 12
        )

    def test_a_ticket_of_a_new_company_has_its_deadline(self):
        company = self.env["res.company"].create({"name": "深圳分公司"})
        staff = new_test_user(
            self.env,
            login="sz_staff",
            groups="base.group_user,aftersales_visit.group_aftersales_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        with freeze_time("2026-07-01 08:00:00"):
            ticket = (
                self.env["aftersales.ticket"]
                .with_user(staff)
                .create(
                    {
                        "name": "Late delivery",
                        "partner_id": self.customer.id,
                        "ticket_type": "complaint",
                        "priority": "3",
                    }
                )
            )
        self.assertEqual(ticket.company_id, company)
        self.assertEqual(ticket.sla_deadline, datetime(2026, 7, 1, 12, 0))
