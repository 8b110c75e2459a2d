from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ProjectCase
from .test_customer_import import make_xlsx

SYSTEM = "change only through the application's own actions"
MANAGER = "Only a sales manager can set"


@tagged("post_install", "-at_install")
class TestFieldRules(ProjectCase):
    """The fields only the application (or a manager) sets: the same rule for create, copy,
    write, import and the defaults a client puts in the context, whoever the rep is."""

    def test_reps_create_no_premium_or_protected_customer(self):
        Partner = self.env["res.partner"].with_user(self.rep_a)
        base = {"name": "Self Made", "is_customer": True, "user_id": self.rep_a.id}
        for vals, message in (
            ({"is_premium_customer": True}, MANAGER),
            ({"is_protected": True}, MANAGER),
            ({"customer_code": "C000001"}, SYSTEM),
            ({"claim_date": "2020-01-01 00:00:00"}, SYSTEM),
            ({"last_won_date": "2099-01-01 00:00:00"}, SYSTEM),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, message):
                Partner.create(dict(base, **vals))
        with self.assertRaisesRegex(AccessError, MANAGER):
            Partner.with_context(default_is_premium_customer=True).create(base)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Self Made")]))

    def test_owners_do_not_turn_the_recall_clock(self):
        mine = self.as_user(self.customer, self.rep_a)
        for field in ("claim_date", "last_followup_date", "last_won_date"):
            with self.subTest(field=field), self.assertRaisesRegex(AccessError, SYSTEM):
                mine.write({field: "2099-01-01 00:00:00"})
        self.assertFalse(self.customer.last_won_date)

    def test_copying_a_customer_copies_no_privilege(self):
        self.customer.sudo().write({"is_premium_customer": True})
        with self.assertRaisesRegex(AccessError, MANAGER):
            self.as_user(self.customer, self.rep_a).copy({"is_premium_customer": True})
        copied = self.as_user(self.customer, self.rep_a).copy({"name": "Copy Co"})
        self.assertFalse(copied.is_premium_customer or copied.is_protected or copied.claim_date)

    def test_managers_set_what_is_theirs(self):
        self.as_user(self.customer, self.manager).write({"is_premium_customer": True})
        self.assertTrue(self.customer.is_premium_customer)
        with self.assertRaisesRegex(AccessError, SYSTEM):
            self.as_user(self.customer, self.manager).write({"claim_date": "2099-01-01"})

    def test_a_rep_does_not_approve_their_own_project_step(self):
        template = self.make_process_template("Gated", ("Survey", {"need_approval": True}), "Offer")
        project = self.make_project(
            "Gated Project", owner=self.rep_a, process_template_id=template.id
        )
        self.assertTrue(project.process_step_date)
        with self.assertRaisesRegex(AccessError, SYSTEM):
            self.as_user(project, self.rep_a).write({"step_approved_by_id": self.rep_a.id})
        self.assertFalse(project.step_approved_by_id)
        with self.assertRaisesRegex(AccessError, SYSTEM):
            self.env["crm.lead"].with_user(self.rep_a).create(
                {
                    "name": "Pre-approved",
                    "type": "opportunity",
                    "user_id": self.rep_a.id,
                    "process_template_id": template.id,
                    "step_approved_by_id": self.rep_a.id,
                }
            )

    def _checked_row(self, code, name, mobile):
        """The one line of a checked import of one row, by rep A."""
        row = [code, name, "公司", mobile, "", "", "", "", "", ""]
        batch = (
            self.env["res.partner.import"]
            .with_user(self.rep_a)
            .create({"file": make_xlsx([row]), "filename": "rows.xlsx"})
        )
        batch.action_check()
        return batch.line_ids

    def test_the_import_applies_the_same_rules(self):
        """Row values changed between the check and the import (by someone who may write rows: the
        importer may not), on the create path (one INSERT per batch) and on the update path, are
        refused like a create or a write by the importer."""
        line = self._checked_row("", "Imported Premium", "13900000001")
        self.assertEqual(line.action, "create")
        forged = {
            "is_premium_customer": True,
            "customer_code": "C-FORGED",
            "claim_date": "2099-01-01 00:00:00",
        }
        line.sudo().write({"values": dict(line.values, **forged)})
        line.import_id.action_import()
        self.assertEqual((line.state, line.action), ("failed", "refused"))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Imported Premium")]))
        line = self._checked_row(self.customer.customer_code, self.customer.name, "13900000002")
        self.assertEqual(line.action, "update")
        line.sudo().write({"values": dict(line.values, last_won_date="2099-01-01 00:00:00")})
        line.import_id.action_import()
        self.assertEqual(line.action, "refused")
        self.assertFalse(self.customer.last_won_date)
