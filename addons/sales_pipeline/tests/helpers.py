"""Test infrastructure shared by our modules' tests and the cross-module tests in tests/:
no fixtures here (those are in each module's tests/common.py)."""

import base64
import unittest
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests.common import ChromeBrowser
from odoo.tools import config


class RollbackOnRaiseMixin:
    """``assertRaisesRegex`` that rolls back what the failing call did, as
    Odoo's ``assertRaises`` does (and as a failed request does): so that the
    "nothing changed" assertions after it check the database, not leftovers."""

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        if args:
            return super().assertRaisesRegex(expected_exception, expected_regex, *args, **kwargs)
        return self._assert_raises_regex_rolled_back(
            expected_exception, expected_regex, kwargs.get("msg")
        )

    @contextmanager
    def _assert_raises_regex_rolled_back(self, exception, regex, msg):
        with ExitStack() as init:
            init.enter_context(self.env.cr.savepoint())
            if issubclass(exception, AccessError):
                self.env.cr.clear()
            with ExitStack() as inner:
                cm = inner.enter_context(
                    unittest.TestCase.assertRaisesRegex(self, exception, regex, msg=msg)
                )
                inner.push(init.pop_all())
                yield cm


class ScreenshotMixin:
    """Save what the browser shows once a page is ready, under the ``screenshots`` folder
    of the Odoo configuration (scripts/test: .run/screenshots/screens, git-ignored)."""

    def save_screen(self, name, url, login, ready_selector, size=None):
        folder = Path(config["screenshots"]) / "screens"
        folder.mkdir(parents=True, exist_ok=True)
        stop = ChromeBrowser.stop

        def capture_then_stop(browser):
            shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
            (folder / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
            return stop(browser)

        code = """(async () => {
            const deadline = Date.now() + 20000;
            while (!document.querySelector(%r)) {
                if (Date.now() > deadline) { console.error("screen not ready: %s"); return; }
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            await new Promise((resolve) => setTimeout(resolve, 800));
            console.log("test successful");
        })()""" % (ready_selector, name)
        size_patch = patch.object(type(self), "browser_size", size) if size else nullcontext()
        with patch.object(ChromeBrowser, "stop", capture_then_stop), size_patch:
            self.browser_js(url, code, login=login, timeout=60)
        return folder / f"{name}.png"


def missing_translations(env, module, lang="zh_CN"):
    """Source terms of ``module`` (fields, views, menus, data, code) that its
    i18n/<lang>.po does not translate."""
    import polib

    from odoo.modules.module import get_module_path
    from odoo.tools.translate import TranslationModuleReader

    reader = TranslationModuleReader(env.cr, modules=[module])
    sources = {
        src for mod, _type, _name, _res_id, src, _value, _comments in reader if mod == module
    }
    po = polib.pofile(f"{get_module_path(module)}/i18n/{lang}.po")
    translated = {entry.msgid for entry in po if entry.msgstr and not entry.obsolete}
    return sorted(sources - translated), len(sources)
