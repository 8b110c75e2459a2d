from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        """Every user-visible string of the module (fields, views, menus, code) is in i18n/zh_CN.po."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_pipeline"], ["zh_CN"], overwrite=True)
        reader = TranslationModuleReader(self.env.cr, modules=["sales_pipeline"], lang="zh_CN")
        terms = [(src, value) for module, _type, _name, _res_id, src, value, _comments in reader
                 if module == "sales_pipeline"]
        self.assertGreater(len(terms), 100)
        missing = sorted({src for src, value in terms if not value})
        self.assertFalse(missing, "Terms without a zh_CN translation:\n" + "\n".join(missing))

    def test_error_messages_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_pipeline"], ["zh_CN"], overwrite=True)
        customer = self.env["res.partner"].create({"name": "X", "is_customer": True})
        with self.assertRaisesRegex(Exception, "公海"):
            customer.with_context(lang="zh_CN").action_release()
