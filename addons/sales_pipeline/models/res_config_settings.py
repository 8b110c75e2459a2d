from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_max_claimed = fields.Integer(
        string="Customers per Rep",
        config_parameter="sales_pipeline.max_claimed",
        help="How many customers a rep may hold at once (0 = no limit).",
    )
    customer_max_protected = fields.Integer(
        string="Protected Customers per Rep",
        config_parameter="sales_pipeline.max_protected",
        help="How many customers a rep may protect at once (0 = no limit).",
    )
    customer_recall_followup_days = fields.Integer(
        string="Recall Without Follow-up After (Days)",
        config_parameter="sales_pipeline.recall_followup_days",
        help="A claimed customer with no follow-up for this many days returns to the pool "
        "(0 = never).",
    )
    customer_recall_deal_days = fields.Integer(
        string="Recall Without Won Deal After (Days)",
        config_parameter="sales_pipeline.recall_deal_days",
        help="A claimed customer with no won deal for this many days returns to the pool "
        "(0 = never).",
    )
    customer_recall_warning_days = fields.Integer(
        string="Warn Owner Before Recall (Days)",
        config_parameter="sales_pipeline.recall_warning_days",
        help="The owner gets a to-do this many days before the customer returns to the pool.",
    )
    customer_reclaim_cooldown_days = fields.Integer(
        string="Re-claim Cooldown (Days)",
        config_parameter="sales_pipeline.reclaim_cooldown_days",
        help="A rep who released or lost a customer cannot claim it again for this many days.",
    )
    project_duplicate_policy = fields.Selection(
        related="company_id.project_duplicate_policy",
        readonly=False,
    )
    project_duplicate_scope = fields.Selection(
        related="company_id.project_duplicate_scope",
        readonly=False,
    )
    project_required_field_ids = fields.Many2many(
        related="company_id.project_required_field_ids",
        readonly=False,
    )
    quote_limit_per_project = fields.Integer(
        string="Quotations per Project",
        config_parameter="sales_pipeline.quote_limit_per_project",
        help="How many quotations (revisions included) a project may have; 0 = no limit.",
    )
    quote_limit_per_customer = fields.Integer(
        string="Quotations per Customer",
        config_parameter="sales_pipeline.quote_limit_per_customer",
        help="How many quotations (revisions included, with or without a project) a customer may "
        "have; 0 = no limit.",
    )
    approval_deadline_hours = fields.Integer(
        string="Approval Deadline (Hours)",
        config_parameter="sales_pipeline.approval_deadline_hours",
        default=24,
        help="Approvers are reminded once a request has waited this long.",
    )
    approval_escalation_hours = fields.Integer(
        string="Escalate to Sales Managers After (Hours)",
        config_parameter="sales_pipeline.approval_escalation_hours",
        default=72,
        help="A request still waiting this long may be decided by the sales managers too.",
    )
