from unittest.mock import patch

from markupsafe import Markup

from odoo.tests import tagged

from ..tools import note_bulk_insert
from ..tools.note_bulk_insert import can_log_notes, log_notes
from .common import SalesPipelineCase

# Columns that differ between any two notes: their own ids and records, the second of their
# creation, and the Message-Id the batch log makes anew for each batch.
OWN_COLUMNS = {"id", "res_id", "create_date", "write_date", "date", "message_id"}


@tagged("post_install", "-at_install")
class TestNoteBulkInsert(SalesPipelineCase):
    """The one-INSERT notes are the notes Odoo's batch log writes."""

    maxDiff = None

    def _customers(self, count):
        return self.env["res.partner"].create(
            [{"name": f"客户 {index}", "is_customer": True} for index in range(count)]
        )

    def _rows(self, message_ids):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM mail_message WHERE id IN %s ORDER BY id", [tuple(message_ids)]
        )
        return self.env.cr.dictfetchall()

    def _comparable(self, rows):
        return [{k: v for k, v in row.items() if k not in OWN_COLUMNS} for row in rows]

    def test_same_rows_as_the_batch_log(self):
        ours, odoos = self._customers(2), self._customers(2)
        author = self.env.ref("base.partner_demo").id
        texts = ["你好, <b>报价</b> & 'x'", "第二条\n两行"]
        odoo_ids = odoos._message_log_batch(
            dict(zip(odoos.ids, texts, strict=True)), author_id=author
        ).ids
        our_ids = log_notes(ours, dict(zip(ours.ids, texts, strict=True)), author_id=author)
        odoo_rows, our_rows = self._rows(odoo_ids), self._rows(our_ids)
        self.assertEqual(self._comparable(our_rows), self._comparable(odoo_rows))
        self.assertEqual([row["res_id"] for row in our_rows], ours.ids)
        self.assertTrue(our_rows[0]["message_id"].endswith(odoo_rows[0]["message_id"][-20:]))
        self.assertEqual(our_rows[0]["body"], odoo_rows[0]["body"])
        self.assertNotIn("<b>", our_rows[0]["body"], "the text is escaped, not HTML")

    def test_no_author_and_context_defaults(self):
        """The OdooBot/current user as author, and a caller's default_* keys reach nothing."""
        ours, odoos = self._customers(1), self._customers(1)
        context = {"default_message_type": "comment", "default_subject": "x", "default_body": "y"}
        odoo_ids = odoos.with_context(**context)._message_log_batch({odoos.id: "a"}).ids
        our_ids = log_notes(ours.with_context(**context), {ours.id: "a"})
        self.assertEqual(
            self._comparable(self._rows(our_ids)), self._comparable(self._rows(odoo_ids))
        )
        self.assertEqual(self._rows(our_ids)[0]["message_type"], "notification")

    def test_the_records_see_their_new_notes(self):
        customer = self._customers(1)
        before = customer.message_ids  # cached
        [note_id] = log_notes(customer, {customer.id: "新消息"})
        self.assertIn(note_id, customer.message_ids.ids)
        self.assertEqual(len(customer.message_ids), len(before) + 1)
        note = self.env["mail.message"].browse(note_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.body, Markup("<span>新消息</span>"), "as the batch log writes it")

    def test_post_notes_falls_back_on_an_unchecked_override(self):
        """Another module's mail.message.create() may do something with each note: the batch
        log is used then, and every note is still written."""
        self.assertTrue(can_log_notes(self.env))
        with patch.object(note_bulk_insert, "CHECKED_CREATE_MODULES", frozenset({"mail"})):
            self.assertFalse(can_log_notes(self.env), "sales_pipeline overrides create too")
            customers = self._customers(2)
            customers._post_notes([(customers[0], "甲", None), (customers[1], "乙", None)])
        for customer, body in zip(customers, ["甲", "乙"], strict=True):
            self.assertIn(Markup(f"<span>{body}</span>"), customer.message_ids.mapped("body"))

    def test_post_notes_in_bulk_keeps_the_order(self):
        customer = self._customers(1)
        customer._post_notes(
            [(customer, "一", None), (customer, "二", None), (customer, "三", None)]
        )
        notes = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", customer.id), ("body", "!=", False)],
            order="id",
        )
        self.assertEqual(
            notes.mapped("body")[-3:], [Markup(f"<span>{text}</span>") for text in "一二三"]
        )

    def _logging(self, model):
        """``model`` as a user's create sees it: with the creation notes the tests turn off."""
        return model.with_context(tracking_disable=False, mail_notrack=False)

    def _creation_notes(self, records):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT * FROM mail_message WHERE model = %s AND res_id IN %s ORDER BY res_id, id",
            [records._name, tuple(records.ids)],
        )
        return self.env.cr.dictfetchall()

    def test_created_with_the_creation_notes_create_logs(self):
        Partner = self._logging(self.env["res.partner"]).with_user(self.manager)
        values = [{"name": f"新客户 {index}", "is_customer": True} for index in range(2)]
        odoos = Partner.create(values)
        ours = Partner._create_logged_in_bulk(values)
        self.assertEqual(ours.env, Partner.env, "the records keep the caller's context")
        our_rows, odoo_rows = self._creation_notes(ours), self._creation_notes(odoos)
        self.assertEqual(len(our_rows), 2)
        self.assertEqual(self._comparable(our_rows), self._comparable(odoo_rows))
        self.assertEqual([row["res_id"] for row in our_rows], ours.ids)

    def test_created_without_notes_when_asked(self):
        Partner = self._logging(self.env["res.partner"]).with_context(mail_create_nolog=True)
        customers = Partner._create_logged_in_bulk([{"name": "无日志", "is_customer": True}])
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "res.partner"), ("res_id", "=", customers.id)]
            ),
            0,
        )

    def test_a_creation_subtype_still_notifies(self):
        """A lead's creation notifies its sales team's followers: Odoo posts it, not in bulk."""
        team = self.env["crm.team"].create({"name": "微信团队"})
        team.message_subscribe(
            partner_ids=self.manager.partner_id.ids,
            subtype_ids=self.env.ref("crm.mt_salesteam_lead").ids,
        )
        lead = self._logging(self.env["crm.lead"])._create_logged_in_bulk(
            [{"name": "微信线索", "type": "lead", "team_id": team.id}]
        )
        creation = lead.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("crm.mt_lead_create")
        )
        self.assertEqual(len(creation), 1)
        self.assertIn(self.manager.partner_id, creation.notification_ids.res_partner_id)
