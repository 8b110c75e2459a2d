import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        reader = TranslationModuleReader(self.env.cr, modules=["sms_aliyun"])
        terms = {row[4] for row in reader if row[0] == "sms_aliyun"}
        po = polib.pofile(f"{get_module_path('sms_aliyun')}/i18n/zh_CN.po")
        untranslated = terms - {entry.msgid for entry in po if entry.msgstr and not entry.obsolete}
        self.assertGreater(len(terms), 20)
        self.assertFalse(untranslated, f"terms without zh_CN: {sorted(untranslated)}")
