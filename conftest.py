"""Repository-wide pytest hooks: a skipped test fails the run.

A test skips only because something it needs is missing on the machine (Chromium, the
``websocket-client`` package Odoo's browser tests need, ...): the scripts install what the tests
need, so a skip means an install step is missing and must not pass unnoticed.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped, which fails the run: {reason}"
