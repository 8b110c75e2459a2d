from odoo.tests import TransactionCase, tagged

from .helpers import missing_translations


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        """Every user-visible string of the module (fields, views, menus, data, code) is in
        i18n/zh_CN.po."""
        missing, total = missing_translations(self.env, "sales_pipeline")
        self.assertGreater(total, 100)
        self.assertFalse(missing, "Terms without a zh_CN translation:\n" + "\n".join(missing))

    def test_error_messages_are_shown_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["sales_pipeline"], ["zh_CN"], overwrite=True
        )
        customer = self.env["res.partner"].create({"name": "X", "is_customer": True})
        with self.assertRaisesRegex(Exception, "已在公海中"):
            customer.with_context(lang="zh_CN").action_release()
        self.assertEqual(
            self.env.ref("sales_pipeline.res_partner_menu_pool").with_context(lang="zh_CN").name,
            "公海",
        )
