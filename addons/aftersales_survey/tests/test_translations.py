from odoo.tests import TransactionCase, tagged

from odoo.addons.sales_pipeline.tests.helpers import missing_translations


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        missing, total = missing_translations(self.env, "aftersales_survey")
        self.assertGreater(total, 10)
        self.assertFalse(missing, f"{len(missing)} of {total} terms lack zh_CN: {missing[:20]}")
