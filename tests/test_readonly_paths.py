"""The read paths of ours answer inside read-only requests, as on a PostgreSQL read replica
(Odoo sends its read-only requests there when db_replica_host is set): customer lists and the
quick search, the customer history, the margin report, a quotation's printout, the export
dialog. The test server gives a read-only request a read-only transaction, so a write hidden in
one of these paths fails here as it would on a replica."""

from odoo.tests import HttpCase, tagged

from odoo.addons.sales_pipeline.tests.common import ContractCase


@tagged("post_install", "-at_install")
class TestReadonlyPaths(ContractCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_a.password = "sp_rep_a_pw"

    def setUp(self):
        super().setUp()
        self.order = self._order(2)
        self.authenticate("sp_rep_a", "sp_rep_a_pw")

    def call(self, model, method, *args, **kwargs):
        response = self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )
        return response

    def test_customer_lists_and_quick_search(self):
        spec = {"display_name": {}, "user_id": {"fields": {"display_name": {}}}, "pool_state": {}}
        mine = self.call(
            "res.partner",
            "web_search_read",
            domain=[("is_customer", "=", True)],
            specification=spec,
            limit=80,
        )
        self.assertIn(self.customer.id, [r["id"] for r in mine["records"]])
        found = self.call(
            "res.partner",
            "web_search_read",
            domain=[("quick_search", "ilike", "Execution")],
            specification=spec,
        )
        self.assertEqual([r["id"] for r in found["records"]], [self.customer.id])
        names = self.call("res.partner", "name_search", name="Execution", limit=8)
        self.assertIn(self.customer.id, [pair[0] for pair in names])

    def test_customer_history(self):
        history = self.call(
            "res.partner.timeline",
            "web_search_read",
            domain=[("partner_id", "=", self.customer.id)],
            specification={"kind": {}, "name": {}, "date": {}, "readable": {}},
            limit=40,
        )
        self.assertTrue(history["records"], "the quotation is in the history")

    def test_margin_report(self):
        groups = self.call(
            "sale.order",
            "web_read_group",
            domain=[],
            groupby=["user_id"],
            aggregates=["margin:sum", "amount_untaxed:sum"],
        )
        self.assertTrue(groups["groups"])

    def test_quotation_printout_and_export_dialog(self):
        page = self.url_open(f"/report/html/sale.report_saleorder/{self.order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.order.name, page.text)
        fields = self.make_jsonrpc_request(
            "/web/export/get_fields", {"model": "res.partner", "domain": []}
        )
        self.assertIn("user_id", [field["id"] for field in fields])
