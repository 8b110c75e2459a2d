from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestCustomerSettings(SalesPipelineCase):
    def test_region_tree_names_follow_the_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["sales_pipeline"], ["zh_CN"], overwrite=True
        )
        east = self.env.ref("sales_pipeline.res_partner_region_east")
        shanghai = self.env["res.partner.region"].create({"name": "上海", "parent_id": east.id})
        self.assertEqual(shanghai.with_context(lang="zh_CN").display_name, "华东 / 上海")
        self.assertEqual(shanghai.with_context(lang="en_US").display_name, "East China / 上海")

    def test_region_cannot_be_its_own_ancestor(self):
        east = self.env.ref("sales_pipeline.res_partner_region_east")
        child = self.env["res.partner.region"].create({"name": "Jiangsu", "parent_id": east.id})
        with self.assertRaisesRegex(UserError, "Recursion"):
            east.parent_id = child

    def test_customers_found_by_parent_region(self):
        east = self.env.ref("sales_pipeline.res_partner_region_east")
        suzhou = self.env["res.partner.region"].create({"name": "Suzhou", "parent_id": east.id})
        customer = self.make_customer("Suzhou Maker", region_id=suzhou.id)
        found = self.Partner.search([("region_id", "child_of", east.id), ("id", "=", customer.id)])
        self.assertEqual(found, customer)

    def test_settings_lists_are_maintained_by_sales_administrators_only(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.env["res.partner.source"].with_user(self.manager).create({"name": "Cold Call"})
        admin = self.env.ref("base.user_admin")
        source = self.env["res.partner.source"].with_user(admin).create({"name": "Cold Call"})
        self.assertTrue(
            self.env["res.partner.source"].with_user(self.rep_a).search([("id", "=", source.id)])
        )

    def test_administrator_defined_attributes_are_searchable_by_reps(self):
        definition = self.env["properties.base.definition"]._get_definition_for_property_field(
            "res.partner", "properties"
        )
        definition.properties_definition = [
            {"name": "annual_volume", "string": "Annual Volume", "type": "char"},
        ]
        customer = self.make_customer("Property Co", owner=self.rep_a)
        customer.properties = {"annual_volume": "5000 tons"}
        self.assertEqual(customer.properties["annual_volume"], "5000 tons")
        found = self.as_user(self.Partner, self.rep_a).search(
            [("properties.annual_volume", "=", "5000 tons")]
        )
        self.assertEqual(found, customer)
        hidden = self.make_customer("Property Hidden", owner=self.rep_b, protected=True)
        hidden.properties = {"annual_volume": "5000 tons"}
        found = self.as_user(self.Partner, self.rep_a).search(
            [("properties.annual_volume", "=", "5000 tons")]
        )
        self.assertEqual(found, customer, "a protected customer of someone else stays hidden")
