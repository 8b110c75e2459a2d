from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    is_reminder = fields.Boolean(
        string="Important Reminder",
        help="Activities of this type are important reminders (要事提醒): each user "
        "gets a daily digest of the ones due today or overdue.",
    )
