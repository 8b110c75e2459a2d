"""Repository-wide pytest hooks: a skipped test fails the run.

A test skips only because something it needs is missing on the machine (Chromium, the
``websocket-client`` package Odoo's browser tests need, ...): the scripts install what the tests
need, so a skip means an install step is missing and must not pass unnoticed.
"""

import pytest

# Odoo waits 10 s for Chromium's devtools port, then skips the browser test. On a 2-core machine
# under load (PostgreSQL, the Odoo server of the test and Chromium's own start) that is not
# always enough: wait up to 60 s, so that only a Chromium that cannot start fails the run.
BROWSER_START_CHECKS = 600


def pytest_configure(config):
    try:
        from odoo.tests import common  # noqa: PLC0415
    except ImportError:
        return  # without Odoo, pytest-odoo reports it
    common.CHECK_BROWSER_ITERATIONS = max(common.CHECK_BROWSER_ITERATIONS, BROWSER_START_CHECKS)
    common.BROWSER_WAIT = common.CHECK_BROWSER_SLEEP * common.CHECK_BROWSER_ITERATIONS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped, which fails the run: {reason}"
