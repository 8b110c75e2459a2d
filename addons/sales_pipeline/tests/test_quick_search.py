import contextlib
import re
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from ..models import res_partner_search
from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestQuickSearch(SalesPipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.industry = cls.env["res.partner.industry"].create({"name": "Precision Optics"})
        cls.customer = cls.make_customer(
            "Kunlun Instruments",
            owner=cls.rep_a,
            street="88 Xinghu Street",
            city="Wujiang",
            phone="0512-6288 1234",
            mobile="139 1234 5678",
            wechat_id="kunlun_sales",
            industry_id=cls.industry.id,
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Buyer Liu",
                "parent_id": cls.customer.id,
                "phone": "021-5555 7777",
                "mobile": "13677778888",
                "wechat_id": "liu_buyer_wx",
            }
        )
        cls.hidden = cls.make_customer(
            "Kunlun Hidden Trading",
            owner=cls.rep_b,
            protected=True,
            mobile="13912340000",
            wechat_id="kunlun_hidden",
        )

    def _quick(self, user, term):
        Partner = self.as_user(self.Partner, user)
        return Partner.search(
            [("quick_search", "ilike", term), ("is_customer", "=", True), ("parent_id", "=", False)]
        )

    def test_each_field_is_found_by_substring(self):
        terms = {
            "name": "unlun Instr",
            "customer number": self.customer.customer_code[2:],
            "street": "Xinghu",
            "city": "ujiang",
            "industry": "Optics",
            "phone": "6288",
            "phone with separators": "0512-6288",
            "phone's start, typed with its dash": "0512-",
            "mobile": "1234 567",
            "mobile digits": "912345678",
            "wechat": "kunlun_sal",
            "contact phone": "5555-777",
            "contact mobile": "77778888",
            "contact wechat": "buyer_wx",
        }
        for user in (self.rep_a, self.manager):
            for label, term in terms.items():
                with self.subTest(user=user.name, field=label):
                    self.assertIn(self.customer, self._quick(user, term))

    def test_contacts_are_found_through_their_customer(self):
        """The quick search finds customers: a contact's numbers and WeChat id find its customer,
        which holds them (the contact holds none), and the contact itself is not found, even
        without the customer list's own filter."""
        self.assertFalse(self.contact.reach_search_text)
        self.assertIn("77778888", self.customer.reach_search_text)
        for term in ("77778888", "liu_buyer_wx", "Buyer Liu", "Kunlun"):
            with self.subTest(term=term):
                found = self.Partner.with_user(self.rep_a).search([("quick_search", "ilike", term)])
                self.assertNotIn(self.contact, found)
        found = self.Partner.with_user(self.rep_a).search([("quick_search", "ilike", "77778888")])
        self.assertIn(self.customer, found)
        # a contact moved out from under its company holds its numbers again, and the company
        # no longer does
        self.contact.parent_id = False
        self.assertIn("77778888", self.contact.reach_search_text)
        self.assertNotIn("77778888", self.customer.reach_search_text or "")
        self.contact.parent_id = self.customer
        self.assertFalse(self.contact.reach_search_text)
        self.assertIn("77778888", self.customer.reach_search_text)

    def test_a_name_is_collected_among_the_customers_only(self):
        """A rare name's matches are collected from the index of the names of partners without
        a parent, not from all the partners' names, where each contact repeats its company's."""
        self._customers_as_many_as_at_scale()
        self._leave_out_the_parent_index()
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        try:
            with patch.object(res_partner_search, "RARE_TERM_ROWS", 10**9):
                query = self.Partner.with_user(self.rep_a)._search(
                    [("quick_search", "ilike", "Kunlun")], limit=80, order=self.Partner._order
                )
            self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("RESET enable_seqscan")
        self.assertIn("res_partner_top_level_name_trgm_idx", plan)
        self.assertNotIn("res_partner_complete_name_trgm_idx", plan)

    def test_a_number_with_separators_around_it_is_searched_once(self):
        """0512- holds its digits as they are: every partner holding it holds 0512, which is
        searched alone (one collection, not two); 0512-6288 needs both."""
        for term, texts in (("0512-", ["0512"]), ("0512-6288", ["0512-6288", "05126288"])):
            with self.subTest(term=term):
                query = self.Partner.with_user(self.rep_a)._search(
                    [("quick_search", "ilike", term)]
                )
                patterns = {
                    param.strip("%")
                    for param in query.select().params
                    if isinstance(param, str) and param.startswith("%")
                }
                self.assertEqual(sorted(patterns), sorted(texts))

    def test_two_character_terms_are_found_in_each_field(self):
        customer = self.make_customer(
            "华信机电", owner=self.rep_a, street="星湖街88号", city="吴江", mobile="13912345678"
        )
        terms = {"name": "信机", "street": "湖街", "city": "吴江", "digits": "45", "case": "B0"}
        customer.customer_code = "b0077"
        for label, term in terms.items():
            with self.subTest(field=label):
                self.assertIn(customer, self._quick(self.rep_a, term))
        # the pair must stand in one field: the end of the name and the start of the street
        # are next to each other only in the index
        self.assertNotIn(customer, self._quick(self.rep_a, "电星"))
        self.assertNotIn(customer, self._quick(self.rep_b, "信机"))

    def _customers_as_many_as_at_scale(self):
        """3,000 more customers and fresh statistics: among the few partners of a test database,
        PostgreSQL would read every partner without a parent (parent_id's own index) rather than
        the text indexes it reads at scale."""
        self.Partner.create(
            [{"name": f"有限责任 {index}", "is_customer": True} for index in range(3000)]
        )
        self.env.flush_all()
        self.env.cr.execute("ANALYZE res_partner")

    def _leave_out_the_parent_index(self):
        """At a test database's size, reading every partner without a parent through parent_id's
        own index may cost less than the text indexes; at 1M it would read a million partners.
        Rolled back with the test."""
        self.env.cr.execute("DROP INDEX res_partner__parent_id_index")

    def test_two_character_terms_use_the_pair_index(self):
        self._customers_as_many_as_at_scale()
        self._leave_out_the_parent_index()
        query = self.Partner.with_context(active_test=False)._search(
            [("quick_search", "ilike", "信机")]
        )
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query.select("id")))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("res_partner_quick_search_bigrams_idx", plan)

    def test_two_character_terms_with_wildcards_match_as_ilike(self):
        customer = self.make_customer("Ace 5% Trading", owner=self.rep_a)
        self.assertIn(customer, self._quick(self.rep_a, "5%"))
        self.assertIn(customer, self._quick(self.rep_a, "A_"))

    def test_unrelated_terms_find_nothing(self):
        for term in ("Nonexistent Name", "99999999", "no_such_wechat"):
            with self.subTest(term=term):
                self.assertFalse(self._quick(self.manager, term) & self.customer)

    def test_invisible_customers_are_never_found(self):
        for term in ("Kunlun", "kunlun_hidden", "13912340000", self.hidden.customer_code):
            with self.subTest(term=term):
                self.assertNotIn(self.hidden, self._quick(self.rep_a, term))
                self.assertIn(self.hidden, self._quick(self.manager, term))
                self.assertIn(self.hidden, self._quick(self.rep_b, term))

    def test_the_three_plans_find_the_same_customers(self):
        """A rare term's matches are collected first, a frequent one's found by walking the list
        order, PostgreSQL chooses for the others: the customers found are the same either way,
        rules, archived and contacts included."""
        self.make_customer("华信机电", owner=self.rep_a, street="星湖街88号", city="吴江")
        terms = (
            "Kunlun",
            "unlun Instr",
            "信机",
            "华信机电",
            "湖街",
            "Xinghu",
            "XINGHU",
            "kunlun_sal",
            "5%",
        )
        plans = {
            "collect": {"RARE_TERM_ROWS": 10**9},
            "walk": {"RARE_TERM_ROWS": 0, "FREQUENT_TERM_SHARE": 0, "WALK_MIN_ROWS": 0},
            "free": {"RARE_TERM_ROWS": 0, "FREQUENT_TERM_SHARE": 10**9},
        }
        for user in (self.rep_a, self.rep_b, self.manager):
            for term in terms:
                found = {}
                for plan, settings in plans.items():
                    with contextlib.ExitStack() as stack:
                        for name, value in settings.items():
                            stack.enter_context(patch.object(res_partner_search, name, value))
                        found[plan] = self._quick(user, term)
                with self.subTest(user=user.name, term=term):
                    self.assertEqual(found["walk"], found["collect"])
                    self.assertEqual(found["free"], found["collect"])

    def test_plans_follow_how_many_partners_hold_the_pairs(self):
        self._customers_as_many_as_at_scale()
        self.assertEqual(
            self.Partner._quick_search_plan("有限"), "free", "fewer than WALK_MIN_ROWS"
        )
        with patch.object(res_partner_search, "WALK_MIN_ROWS", 2000):
            self.assertEqual(self.Partner._quick_search_plan("有限"), "walk")
        self.assertEqual(self.Partner._quick_search_plan("瑞丰物流"), "collect")
        self.assertEqual(self.Partner._quick_search_plan("5%"), "free", "wildcards: no pairs")
        with patch.multiple(res_partner_search, FREQUENT_TERM_SHARE=10**9, WALK_MIN_ROWS=2000):
            self.assertEqual(self.Partner._quick_search_plan("有限"), "free")

    def test_a_frequent_term_leaves_no_index_for_its_conditions(self):
        """A frequent term is found by walking the list's order: no index serves its conditions
        (PostgreSQL would otherwise fetch every match to sort them)."""
        self._customers_as_many_as_at_scale()
        Partner = self.Partner.with_user(self.rep_a)
        with patch.object(res_partner_search, "WALK_MIN_ROWS", 2000):
            query = Partner._search(
                [
                    ("quick_search", "ilike", "有限"),
                    ("is_customer", "=", True),
                    ("parent_id", "=", False),
                ],
                limit=80,
                order=Partner._order,
            )
        # a test database is small enough to read whole: leave PostgreSQL the indexes only
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        try:
            self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("RESET enable_seqscan")
        main = re.split(r"\n\s*SubPlan", plan)[0]  # the partners' own scan, not the rules'

        self.assertIn("strpos", main)
        self.assertNotIn("Bitmap", main, "no index serves the conditions")
        self.assertNotIn("trgm", main)

    def test_caseless_terms_use_like(self):
        self.assertEqual(self.Partner._quick_search_operator("华信88号-"), "like")
        self.assertEqual(self.Partner._quick_search_operator("Kunlun 华信"), "ilike")
        self.assertEqual(self.Partner._quick_search_operator("ÉCOLE"), "ilike")

    def test_search_view_uses_quick_search_first(self):
        arch = self.env["res.partner"].get_view(
            self.env.ref("sales_pipeline.res_partner_view_search").id, "search"
        )["arch"]
        self.assertLess(arch.index('name="quick_search"'), arch.index('name="complete_name"'))
