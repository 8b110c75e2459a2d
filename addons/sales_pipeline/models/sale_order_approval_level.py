from odoo import fields, models


class SaleOrderApprovalLevel(models.Model):
    """One level of approvers of a rule: a user, a group, or the rep's sales team leader."""

    _name = "sale.order.approval.level"
    _description = "Contract Approval Level"
    _order = "rule_id, sequence, id"

    rule_id = fields.Many2one(
        comodel_name="sale.order.approval.rule", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    approver_type = fields.Selection(
        selection=[("team_leader", "Rep's Team Leader"), ("user", "User"), ("group", "Group")],
        required=True,
        default="team_leader",
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Approver", domain="[('share', '=', False)]"
    )
    group_id = fields.Many2one(comodel_name="res.groups", string="Approver Group")

    def _get_approvers(self, order):
        """Users who may approve this level for ``order``."""
        self.ensure_one()
        if self.approver_type == "user":
            return self.user_id
        if self.approver_type == "group":
            return self.group_id.all_user_ids
        return self._salesperson_team(order).user_id

    def _salesperson_team(self, order):
        """The team of the quotation's salesperson: the quotation's team when the salesperson
        belongs to it, else the salesperson's own (a rep does not pick an approver by putting the
        quotation on a friendly team)."""
        salesperson = order.user_id
        if order.team_id and salesperson in order.team_id.member_ids:
            return order.team_id
        return salesperson.sale_team_id

    def _describe(self):
        self.ensure_one()
        if self.approver_type == "user":
            return self.user_id.name
        if self.approver_type == "group":
            return self.group_id.name
        return dict(self._fields["approver_type"]._description_selection(self.env))["team_leader"]
