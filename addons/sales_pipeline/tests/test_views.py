from odoo.tests import Form, tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestViews(SalesPipelineCase):
    def _load_action_views(self, xmlid, user):
        action = self.env.ref(xmlid)
        views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
        views += [
            (False, mode)
            for mode in action.view_mode.split(",")
            if mode not in dict(views).values()
        ]
        views.append((action.search_view_id.id, "search"))
        return self.env[action.res_model].with_user(user).get_views(views)

    def test_customer_views_load_for_each_role(self):
        for xmlid, users in (
            ("sales_pipeline.res_partner_action_customers", (self.rep_a, self.clerk, self.manager)),
            ("sales_pipeline.res_partner_action_pool", (self.rep_a, self.manager)),
            ("sales_pipeline.res_partner_action_all_customers", (self.manager,)),
            ("sales_pipeline.res_partner_share_action", (self.rep_a,)),
            ("sales_pipeline.res_partner_pool_log_action", (self.manager,)),
            ("sales_pipeline.res_partner_followup_action", (self.rep_a,)),
            ("sales_pipeline.res_partner_import_action", (self.clerk,)),
            ("sales_pipeline.crm_lead_action_projects", (self.rep_a, self.manager)),
            ("sales_pipeline.crm_lead_action_unassigned", (self.rep_a,)),
            ("sales_pipeline.crm_lead_action_steps", (self.manager,)),
            ("sales_pipeline.crm_lead_claim_request_action", (self.rep_a, self.manager)),
            ("sales_pipeline.sale_order_action_quotations", (self.rep_a, self.manager)),
            ("sales_pipeline.sale_order_return_action", (self.rep_a, self.manager)),
            ("sales_pipeline.sale_order_action_margin_report", (self.manager,)),
            ("sales_pipeline.sale_order_discount_rule_action", (self.manager,)),
            ("sales_pipeline.sale_order_approval_rule_action", (self.manager,)),
            ("sales_pipeline.sale_order_export_template_action", (self.manager,)),
        ):
            for user in users:
                with self.subTest(action=xmlid, user=user.name):
                    result = self._load_action_views(xmlid, user)
                    self.assertTrue(result["views"])

    def test_customer_form_shows_pool_buttons(self):
        arch = self.env["res.partner"].with_user(self.rep_a).get_view(view_type="form")["arch"]
        for button in (
            "action_claim",
            "action_release",
            "action_protect",
            "action_open_share_wizard",
        ):
            self.assertIn(button, arch)

    def test_settings_view_has_pool_settings(self):
        arch = self.env["res.config.settings"].get_view(view_type="form")["arch"]
        self.assertIn("customer_recall_followup_days", arch)

    def test_settings_are_stored_as_parameters(self):
        settings = self.env["res.config.settings"].create(
            {
                "customer_max_claimed": 25,
                "customer_recall_followup_days": 15,
            }
        )
        settings.execute()
        self.assertEqual(self.Partner._get_pool_settings()["max_claimed"], 25)
        self.assertEqual(self.Partner._get_pool_settings()["recall_followup_days"], 15)

    def test_menus_visible_by_role(self):
        menus = self.env["ir.ui.menu"]
        all_customers = self.env.ref("sales_pipeline.res_partner_menu_all_customers")
        self.assertNotIn(all_customers.id, menus.with_user(self.rep_a)._visible_menu_ids())
        self.assertIn(all_customers.id, menus.with_user(self.manager)._visible_menu_ids())
        pool = self.env.ref("sales_pipeline.res_partner_menu_pool")
        self.assertIn(pool.id, menus.with_user(self.rep_a)._visible_menu_ids())

    def test_shared_user_opens_customer_with_history_of_others(self):
        customer = self.make_customer("History Form Co", owner=self.rep_a)
        self.env["sale.order"].create({"partner_id": customer.id, "user_id": self.rep_a.id})
        self.env["crm.lead"].create(
            {
                "name": "A's project",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": self.rep_a.id,
            }
        )
        self.env["res.partner.followup"].with_user(self.rep_a).create(
            {"partner_id": customer.id, "content": "<p>x</p>"}
        )
        customer.share_with(self.rep_b, access="read")
        self.env.invalidate_all()
        form = Form(customer.with_user(self.rep_b))
        self.assertEqual(form.name, "History Form Co")
        self.assertEqual(len(form.followup_ids), 1)
        self.assertEqual(len(form.sale_order_ids), 0, "rep B may not read rep A's orders")
