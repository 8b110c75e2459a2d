from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain


class AftersalesVisit(models.Model):
    """Starting a revisit: the hourly job that opens the due ones, the assignee, the questions
    copied from the template and the revisit activity."""

    _inherit = "aftersales.visit"

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_start_due_visits(self, batch_size=500):
        """Open the planned revisits whose date has come (assign, ask, remind the assignee)."""
        Cron = self.env["ir.cron"]
        due = self._due_domain()
        Cron._commit_progress(remaining=self.search_count(due))
        while visits := self.search(due, limit=batch_size, order="scheduled_date, id"):
            visits._start()
            if not Cron._commit_progress(len(visits)):
                break

    @api.model
    def _due_domain(self):
        return Domain("state", "=", "planned") & Domain(
            "scheduled_date", "<=", fields.Date.context_today(self)
        )

    def _start(self):
        """Assign each visit, copy its questions, and put a revisit activity on the
        assignee's list."""
        by_user, turns = defaultdict(list), {}
        for visit in self:
            by_user[visit.user_id or visit._choose_assignee(turns)].append(visit.id)
        self.env["aftersales.visit.flow.stage"]._save_turns(turns)
        # The revisit activity tells the assignee; no "assigned to you" mail or
        # tracking message per visit (a cron opens hundreds at once).
        quiet = self.with_context(tracking_disable=True)
        for user, ids in by_user.items():
            quiet.browse(ids).write({"user_id": user.id, "state": "open"})
        activity_type = self.env.ref("aftersales_visit.mail_activity_type_revisit")
        model_id = self.env["ir.model"]._get_id(self._name)
        answers = [vals for visit in self for vals in visit._prepare_answer_vals()]
        activities = [
            visit._prepare_activity_vals(activity_type, model_id) for visit in self if visit.user_id
        ]
        self.env["aftersales.visit.answer"].sudo().create(answers)
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            activities
        )
        for visit in self.filtered("sends_by_itself"):
            visit._send_to_customer(queue=True)

    def _choose_assignee(self, turns=None):
        stage = self.stage_id
        if stage.assignee_rule == "fixed":
            return stage.user_id
        if stage.assignee_rule == "contract_rep":
            rep = self.sale_order_id.user_id or self.partner_id.user_id
            if rep and rep.active:
                return rep
        return stage._next_team_user(turns)

    def _prepare_answer_vals(self):
        if self.answer_ids:
            return []
        values = self._placeholder_values()
        template = self.stage_id.template_id
        return [
            {
                "visit_id": self.id,
                "question_id": question.id,
                "sequence": question.sequence,
                "question": template.render(question.name, values),
            }
            for question in template.question_ids
        ]

    def _prepare_activity_vals(self, activity_type, model_id):
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": self.user_id.id,
            "date_deadline": self.scheduled_date,
            "summary": self.env._(
                "%(method)s: %(customer)s",
                method=self.method_id.name,
                customer=self.partner_id.name,
            ),
            "automated": True,
        }

    def _placeholder_values(self):
        order = self.sale_order_id
        return {
            "customer": self.partner_id.name or "",
            "contact": (self.contact_id or self.partner_id).name or "",
            "contract": order.name or "",
            "products": "、".join(
                order.order_line.filtered(lambda line: not line.display_type).mapped(
                    "product_id.name"
                )
            ),
            "rep": (order.user_id or self.partner_id.user_id).name or "",
            "date": fields.Date.to_string(self.scheduled_date) or "",
        }
