from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools.partner_bulk_insert import can_insert_customers, insert_customers
from .common import SalesPipelineCase

# Columns that differ between any two new customers, or carry the second of their creation;
# write_uid: create()'s flush of its computed fields writes them as the superuser.
OWN_COLUMNS = {
    "id",
    "commercial_partner_id",
    "customer_code",
    "create_date",
    "write_date",
    "write_uid",
    "calendar_last_notif_ack",
    "claim_date",
}


@tagged("post_install", "-at_install")
class TestPartnerBulkInsert(SalesPipelineCase):
    """The import's one-INSERT customers are the customers create() makes."""

    def _vals(self, **values):
        return {
            "name": " 华东建材有限公司 ",
            "is_company": True,
            "mobile": "138 0013 8000",
            "phone": "021-6234 5678",
            "wechat_id": "wx_huadong",
            "email": "Sales@HuaDong.cn",
            "city": "上海",
            "street": "延安路 1 号",
            "comment": "老客户介绍",
            "is_customer": True,
            "user_id": False,
            "source_id": self.env.ref("sales_pipeline.res_partner_source_import").id,
            **values,
        }

    def _columns(self, partners):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM res_partner WHERE id IN %s ORDER BY id", [tuple(partners.ids)]
        )
        return self.env.cr.dictfetchall()

    def _pool_history(self, partners):
        logs = (
            self.env["res.partner.pool.log"]
            .sudo()
            .search([("partner_id", "in", partners.ids)], order="id")
        )
        return [(log.action, log.user_id, log.done_by_id) for log in logs]

    def _assert_same_as_create(self, user, vals_list):
        Partner = (
            self.env["res.partner"]
            .with_user(user)
            .with_context(tracking_disable=True, mail_create_nolog=True)
        )
        self.assertTrue(
            can_insert_customers(Partner, {name for vals in vals_list for name in vals})
        )
        created = Partner.create([dict(vals) for vals in vals_list])
        inserted = insert_customers(Partner, [dict(vals) for vals in vals_list])
        for by_create, by_insert in zip(
            self._columns(created), self._columns(inserted), strict=True
        ):
            self.assertEqual(by_insert["commercial_partner_id"], by_insert["id"])
            self.assertTrue(by_insert["customer_code"])
            self.assertNotEqual(by_insert["customer_code"], by_create["customer_code"])
            self.assertEqual(bool(by_insert["claim_date"]), bool(by_create["claim_date"]))
            self.assertEqual((by_insert["create_uid"], by_insert["write_uid"]), (user.id, user.id))
            differences = {
                column: (by_create[column], by_insert[column])
                for column in by_create
                if column not in OWN_COLUMNS and by_create[column] != by_insert[column]
            }
            self.assertEqual(differences, {}, "column: (create, insert)")
        self.assertEqual(self._pool_history(inserted), self._pool_history(created))
        return inserted

    def test_clerk_rows_for_the_pool_and_for_a_rep(self):
        inserted = self._assert_same_as_create(
            self.clerk,
            [
                self._vals(),
                self._vals(
                    name="王先生",
                    is_company=False,
                    email="not an e-mail",
                    comment=False,
                    user_id=self.rep_a.id,
                ),
                self._vals(
                    name="Sparse Co",
                    mobile=False,
                    phone=False,
                    wechat_id=False,
                    email=False,
                    city=False,
                    street=False,
                    comment=False,
                    source_id=False,
                ),
                self._vals(name="北京客户", country_id=self.env.ref("base.cn").id),
            ],
        )
        self.assertEqual(inserted.mapped("pool_state"), ["pool", "claimed", "pool", "pool"])
        self.assertEqual(inserted[1].user_id, self.rep_a)
        found = self.Partner.with_user(self.rep_a).search(
            [("quick_search", "ilike", "13800138000")]
        )
        self.assertIn(
            inserted[1], found, "found by its mobile (reach_search_text) by the rep it belongs to"
        )

    def test_rep_rows_for_themselves(self):
        inserted = self._assert_same_as_create(self.rep_a, [self._vals(user_id=self.rep_a.id)])
        self.assertEqual(self._pool_history(inserted), [("claim", self.rep_a, self.rep_a)])

    def test_a_rep_cannot_insert_for_someone_else(self):
        Partner = self.env["res.partner"].with_user(self.rep_a)
        before = self.Partner.search_count([])
        with self.assertRaisesRegex(UserError, "only enter customers for yourself"):
            insert_customers(Partner, [self._vals(user_id=self.rep_b.id)])
        with self.assertRaisesRegex(UserError, "only enter customers for yourself"):
            insert_customers(Partner, [self._vals()])  # the public pool
        self.assertEqual(self.Partner.search_count([]), before)

    def test_a_rep_over_quota_inserts_nothing(self):
        self.set_pool_settings(max_claimed=1)
        self.make_customer("Held Co", owner=self.rep_a)
        before = self.Partner.search_count([])
        with self.assertRaises(UserError):
            insert_customers(
                self.env["res.partner"].with_user(self.rep_a), [self._vals(user_id=self.rep_a.id)]
            )
        self.assertEqual(self.Partner.search_count([]), before)

    def test_a_rep_inserts_no_premium_grade(self):
        premium = self.env.ref("sales_pipeline.res_partner_value_grade_a")
        before = self.Partner.search_count([])
        with self.assertRaisesRegex(AccessError, "premium value grade"):
            insert_customers(
                self.env["res.partner"].with_user(self.rep_a),
                [self._vals(user_id=self.rep_a.id, value_grade_id=premium.id)],
            )
        self.assertEqual(self.Partner.search_count([]), before)

    def test_defaults_of_the_client_or_the_user_fall_back_to_create(self):
        """A default from the context or ir.default (a parent, a grade) is a value create()
        checks; the INSERT would not see it."""
        Partner = self.env["res.partner"].with_user(self.rep_a)
        self.assertTrue(can_insert_customers(Partner, {"name", "user_id"}))
        self.assertFalse(
            can_insert_customers(Partner.with_context(default_parent_id=1), {"name", "user_id"})
        )
        self.env["ir.default"].set("res.partner", "city", "Suzhou", user_id=self.rep_a.id)
        self.assertFalse(can_insert_customers(Partner, {"name", "user_id"}))

    def test_a_portal_user_cannot_insert(self):
        portal = new_test_user(self.env, login="sp_bulk_portal", groups="base.group_portal")
        before = self.Partner.sudo().search_count([])
        with self.assertRaises(AccessError):
            insert_customers(self.env["res.partner"].with_user(portal), [self._vals()])
        self.assertEqual(self.Partner.sudo().search_count([]), before)

    def test_unchecked_code_or_values_fall_back_to_create(self):
        Partner = self.env["res.partner"]
        names = set(self._vals())
        self.assertTrue(can_insert_customers(Partner, names))
        self.assertFalse(
            can_insert_customers(Partner, names, checked_modules={"base", "mail"}),
            "a create() override of an unchecked module",
        )
        self.assertFalse(can_insert_customers(Partner, names | {"parent_id"}), "a contact")
        self.assertFalse(
            can_insert_customers(Partner, names | {"company_type"}), "a field with an inverse"
        )
        self.assertFalse(can_insert_customers(Partner, names | {"category_id"}), "a many2many")
        self.assertFalse(
            can_insert_customers(Partner, names | {"complete_name"}),
            "a value for a computed column",
        )
        self.assertFalse(can_insert_customers(Partner, names | {"no_such_field"}))

    def test_customer_numbers_come_from_a_cold_cache(self):
        """The numbers' query must be read before the sequence's fields are (a cold cache queries
        them)."""
        self.env.invalidate_all()
        codes = self.env["res.partner"]._next_customer_codes(3)
        self.assertEqual(len(set(codes)), 3)
        self.env.invalidate_all()
        inserted = insert_customers(
            self.env["res.partner"].with_user(self.clerk), [self._vals(), self._vals()]
        )
        self.assertTrue(all(inserted.mapped("customer_code")))
