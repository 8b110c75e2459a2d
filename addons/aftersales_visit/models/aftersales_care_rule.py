from datetime import date, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import is_leap
from .aftersales_sla_rule import PRIORITIES


class AftersalesCareRule(models.Model):
    _name = "aftersales.care.rule"
    _description = "Customer Care Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    occasion = fields.Selection(
        selection=[
            ("birthday", "Contact's Birthday"),
            ("contract_anniversary", "Contract Anniversary"),
        ],
        required=True,
        default="birthday",
    )
    days_before = fields.Integer(
        default=3,
        help="The care ticket is created this many days before the occasion, "
        "to leave time to prepare.",
    )
    priority = fields.Selection(selection=PRIORITIES, required=True, default="1")
    assignee_rule = fields.Selection(
        selection=[("customer_rep", "Customer's Sales Rep"), ("fixed", "A Fixed User")],
        required=True,
        default="customer_rep",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Fixed User",
        domain=[("share", "=", False)],
        help="Takes the tickets (also those of customers without a sales rep).",
    )
    note = fields.Text(
        string="Suggested Care",
        translate=True,
        help="Put in the ticket's description, e.g. the gift or the greeting to send.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )

    _days_before_positive = models.Constraint(
        "CHECK(days_before >= 0)", "Days before cannot be negative."
    )

    @api.model
    def _cron_generate_care_tickets(self, batch_size=500):
        """Create the care tickets of today's rules (idempotent: one ticket per occasion)."""
        today = fields.Date.context_today(self)
        # every active rule: a short list set up by hand
        for rule in self.search([]):  # pylint: disable=no-search-all
            rule._generate_tickets(today, batch_size)

    def _generate_tickets(self, today, batch_size):
        self.ensure_one()
        day = today + timedelta(days=self.days_before)
        occasions = self._find_occasions(day)
        keys = [key for key, _partner, _order in occasions]
        Ticket = self.env["aftersales.ticket"].sudo()
        done = set(
            Ticket.with_context(active_test=False)
            .search([("care_rule_id", "=", self.id), ("care_key", "in", keys)])
            .mapped("care_key")
        )
        todo = [occasion for occasion in occasions if occasion[0] not in done]
        Cron = self.env["ir.cron"]
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            Ticket.create(
                [
                    self._prepare_ticket_vals(key, partner, order, day)
                    for key, partner, order in chunk
                ]
            )
            if not Cron._commit_progress(len(chunk)):
                break

    def _find_occasions(self, day):
        """(key, partner, order) of the occasions that fall on ``day``."""
        month_days = [day.strftime("%m-%d")]
        if day.month == 2 and day.day == 28 and not is_leap(day.year):
            month_days.append("02-29")
        if self.occasion == "birthday":
            return self._find_birthdays(day, month_days)
        return self._find_anniversaries(day, month_days)

    def _find_birthdays(self, day, month_days):
        self.env.cr.execute(
            SQL(
                """SELECT p.id FROM res_partner p
                 JOIN res_partner c ON c.id = p.commercial_partner_id
                WHERE p.active AND c.is_customer AND p.birthday IS NOT NULL
                  AND to_char(p.birthday, 'MM-DD') IN %s
                  AND (c.company_id IS NULL OR c.company_id = %s)
                ORDER BY p.id""",
                tuple(month_days),
                self.company_id.id,
            )
        )
        partners = self.env["res.partner"].sudo().browse([row[0] for row in self.env.cr.fetchall()])
        return [(f"birthday:{p.id}:{day.year}", p, self.env["sale.order"]) for p in partners]

    def _find_anniversaries(self, day, month_days):
        self.env.cr.execute(
            SQL(
                """SELECT id FROM sale_order
                WHERE state = 'sale' AND company_id = %s
                  AND to_char(date_order AT TIME ZONE 'UTC', 'MM-DD') IN %s
                  AND date_order < %s
                ORDER BY id""",
                self.company_id.id,
                tuple(month_days),
                date(day.year, 1, 1),
            )
        )
        orders = self.env["sale.order"].sudo().browse([row[0] for row in self.env.cr.fetchall()])
        return [(f"anniversary:{o.id}:{day.year}", o.partner_id, o) for o in orders]

    def _prepare_ticket_vals(self, key, partner, order, day):
        customer = partner.commercial_partner_id
        if self.occasion == "birthday":
            subject = self.env._(
                "Birthday of %(contact)s on %(date)s",
                contact=partner.name,
                date=day.strftime("%m-%d"),
            )
        else:
            subject = self.env._(
                "%(years)s-year anniversary of contract %(contract)s on %(date)s",
                years=day.year - order.date_order.year,
                contract=order.name,
                date=day.strftime("%m-%d"),
            )
        user = (
            self.user_id
            if self.assignee_rule == "fixed"
            else (customer.user_id or order.user_id or self.user_id)
        )
        return {
            "name": subject,
            "ticket_type": "care",
            "priority": self.priority,
            "partner_id": customer.id,
            "sale_order_id": order.id,
            "user_id": user.id,
            "company_id": self.company_id.id,
            "care_rule_id": self.id,
            "care_key": key,
            "description": Markup("<p>%s</p>") % (self.note or subject),
        }
