from odoo.tests import Form, tagged

from .common import SalesPipelineCase


@tagged("post_install", "-at_install")
class TestDuplicateGuard(SalesPipelineCase):
    def _new_customer_form(self, user):
        return Form(
            self.Partner.with_user(user).with_context(
                default_is_customer=True, default_user_id=user.id
            )
        )

    def test_same_mobile_as_a_visible_customer_links_to_it(self):
        existing = self.make_customer("Existing Visible", owner=self.rep_a, mobile="138 0000 1111")
        form = self._new_customer_form(self.rep_a)
        form.name = "New Entry"
        form.mobile = "13800001111"
        self.assertIn(existing.customer_code, form.duplicate_warning)
        self.assertIn(f"/odoo/res.partner/{existing.id}", form.duplicate_warning)
        self.assertIn("Rep A", form.duplicate_warning)

    def test_same_wechat_as_an_invisible_customer_says_only_that_it_exists(self):
        hidden = self.make_customer(
            "Secret Buyer Ltd", owner=self.rep_b, protected=True, wechat_id="secret_wx"
        )
        form = self._new_customer_form(self.rep_a)
        form.name = "Another Entry"
        form.wechat_id = "secret_wx"
        warning = form.duplicate_warning
        self.assertIn("cannot see", warning)
        self.assertNotIn("Rep B", warning, "whose it is is the manager's to tell")
        self.assertNotIn("Secret Buyer", warning)
        self.assertNotIn(hidden.customer_code, warning)
        draft = self.Partner.with_user(self.rep_a).new({"name": "Draft", "wechat_id": "secret_wx"})
        self.assertTrue(draft.duplicate_warning)
        self.assertFalse(draft.duplicate_customer_ids, "hidden customers are not listed")

    def test_phone_matches_across_phone_and_mobile_fields(self):
        existing = self.make_customer("Landline Co", phone="0512-62881234")
        form = self._new_customer_form(self.rep_a)
        form.name = "Landline Again"
        form.mobile = "051262881234"
        self.assertIn(existing.customer_code, form.duplicate_warning)

    def test_no_warning_for_own_contacts_or_new_numbers(self):
        customer = self.make_customer("Family Co", owner=self.rep_a, mobile="13711112222")
        self.assertFalse(customer.duplicate_warning)
        contact = self.Partner.create(
            {"name": "Same Family", "parent_id": customer.id, "mobile": "13711112222"}
        )
        self.assertFalse(contact.duplicate_customer_ids)
        form = self._new_customer_form(self.rep_a)
        form.name = "Fresh"
        form.mobile = "13799990000"
        self.assertFalse(form.duplicate_warning)
