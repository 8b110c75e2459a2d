from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _cron_send_reminder_digest(self, batch_size=200):
        """Send each user one message listing their reminders due today or overdue."""
        today = fields.Date.context_today(self)
        Users = self.env["res.users"].sudo()
        activities = self.sudo().search(
            [
                ("activity_type_id.is_reminder", "=", True),
                ("date_deadline", "<=", today),
                ("user_id", "!=", False),
            ],
            order="date_deadline, id",
        )
        by_user = defaultdict(lambda: self.browse())
        for activity in activities:
            by_user[activity.user_id.id] |= activity
        pending = Users.browse(list(by_user)).filtered(
            lambda user: user.active and user.reminder_digest_date != today
        )
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=len(pending))
        for start in range(0, len(pending), batch_size):
            users = pending[start : start + batch_size]
            for user in users:
                by_user[user.id].with_user(user).with_context(lang=user.lang)._send_reminder_digest(
                    user, today
                )
            users.write({"reminder_digest_date": today})
            if not Cron._commit_progress(len(users)):
                break

    def _send_reminder_digest(self, user, today):
        """Notify ``user`` of these activities (their reminders), in one message."""
        rows = []
        for activity in self:
            overdue = activity.date_deadline < today
            record_name = activity.sudo().res_name or activity.res_model
            rows.append(
                Markup('<li><b>%s</b> · <a href="/odoo/%s/%s">%s</a> · %s%s%s</li>')
                % (
                    activity.activity_type_id.name,
                    activity.res_model,
                    activity.res_id,
                    record_name,
                    activity.summary or "",
                    Markup(" · ") if activity.summary else "",
                    self.env._("overdue since %s", fields.Date.to_string(activity.date_deadline))
                    if overdue
                    else self.env._("due today"),
                )
            )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Your important reminders for today (%(count)s):", count=len(self)),
            Markup("").join(rows),
        )
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=user.partner_id.ids,
            subject=self.env._("Important reminders for %s", fields.Date.to_string(today)),
            body=body,
            model="res.users",
            res_id=user.id,
            subtype_xmlid="mail.mt_note",
        )
