"""A screenshot of each main screen, as the demo users see them (in Chinese), saved by the
test command under .run/screenshots/screens/ (git-ignored). Each screen must load without
a JavaScript error; a missing demo record fails the test. (Named to run before
test_reliability.py, whose committed records would show on the screens.)"""

from odoo.tests import HttpCase, tagged

from odoo.addons.sales_pipeline.tests.helpers import ScreenshotMixin

LIST = ".o_list_renderer .o_data_row"
KANBAN = ".o_kanban_renderer .o_kanban_record:not(.o_kanban_ghost)"
FORM = ".o_form_view .o_form_sheet"


@tagged("post_install", "-at_install")
class TestMainScreens(ScreenshotMixin, HttpCase):
    def screens(self):
        customer = self.env.ref("sales_pipeline.customer_wang_tianhe_demo")
        visit = self.env.ref("aftersales_visit.visit_tianhe_call_demo")
        return [
            (
                "01_my_customers",
                "/odoo/action-sales_pipeline.res_partner_action_customers",
                "wanglei",
                LIST + ", " + KANBAN,
            ),
            (
                "02_public_pool",
                "/odoo/action-sales_pipeline.res_partner_action_pool",
                "wanglei",
                LIST,
            ),
            (
                "03_customer_360",
                f"/odoo/action-sales_pipeline.res_partner_action_customers/{customer.id}",
                "wanglei",
                FORM,
            ),
            (
                "04_projects_by_step",
                "/odoo/action-sales_pipeline.crm_lead_action_steps",
                "zhangwei",
                KANBAN + ", " + LIST,
            ),
            (
                "05_quotations",
                "/odoo/action-sale.action_quotations_with_onboarding",
                "zhangwei",
                LIST + ", " + KANBAN,
            ),
            (
                "06_contract_margins",
                "/odoo/action-sales_pipeline.sale_order_action_margin_report",
                "zhangwei",
                ".o_pivot, .o_graph_renderer, " + LIST,
            ),
            (
                "07_my_revisits",
                "/odoo/action-aftersales_visit.aftersales_visit_action_my",
                "liufang",
                ".o_kanban_renderer, " + LIST,
            ),
            (
                "08_revisit",
                f"/odoo/action-aftersales_visit.aftersales_visit_action/{visit.id}",
                "liufang",
                FORM,
            ),
            (
                "09_complaints_and_care",
                "/odoo/action-aftersales_visit.aftersales_ticket_action",
                "liufang",
                KANBAN,
            ),
            (
                "10_wechat_followers",
                "/odoo/action-wechat_leads.wechat_follower_action",
                "zhangwei",
                LIST,
            ),
            (
                "13_contracts",
                "/odoo/action-sales_pipeline.sale_order_action_contracts",
                "zhangwei",
                LIST,
            ),
            (
                "14_contracts_by_stage",
                "/odoo/action-sales_pipeline.sale_order_action_contracts?view_type=kanban",
                "zhangwei",
                KANBAN,
            ),
            (
                "15_to_approve",
                "/odoo/action-sales_pipeline.sales_pipeline_approval_action_to_approve",
                "zhangwei",
                LIST,
            ),
            (
                "17_customer_history",
                "/odoo/action-sales_pipeline.res_partner_timeline_action",
                "wanglei",
                LIST,
            ),
        ]

    def test_main_screens(self):
        for name, url, login, ready in self.screens():
            with self.subTest(name):
                self.assertTrue(self.save_screen(name, url, login, ready).exists())

    def test_phone_screens(self):
        phone = "375x667"
        self.assertTrue(
            self.save_screen(
                "11_phone_my_revisits",
                "/odoo/action-aftersales_visit.aftersales_visit_action_my",
                "liufang",
                ".o_kanban_renderer",
                size=phone,
            ).exists()
        )
        self.assertTrue(
            self.save_screen(
                "16_phone_to_approve",
                "/odoo/action-sales_pipeline.sales_pipeline_approval_action_to_approve",
                "zhangwei",
                KANBAN,
                size=phone,
            ).exists()
        )
        self.assertTrue(
            self.save_screen(
                "18_phone_portal_complaints",
                "/my/complaints",
                "zhaomin",
                ".o_portal_wrap .o_complaint_new",
                size=phone,
            ).exists()
        )
        self.assertTrue(
            self.save_screen(
                "12_phone_pool",
                "/odoo/action-sales_pipeline.res_partner_action_pool",
                "wanglei",
                LIST + ", " + KANBAN,
                size=phone,
            ).exists()
        )
