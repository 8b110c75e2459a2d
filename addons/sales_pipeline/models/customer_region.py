from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CustomerRegion(models.Model):
    _name = "customer.region"
    _inherit = ["customer.option.mixin"]
    _description = "Customer Region"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name, id"

    parent_id = fields.Many2one(
        comodel_name="customer.region",
        string="Parent Region",
        index=True,
        ondelete="restrict",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        comodel_name="customer.region",
        inverse_name="parent_id",
        string="Sub-regions",
    )
    complete_name = fields.Char(
        compute="_compute_complete_name",
        recursive=True,
        store=True,
    )

    _name_parent_uniq = models.Constraint(
        "unique(name, parent_id)",
        "A region with this name already exists under the same parent.",
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for region in self:
            if region.parent_id:
                region.complete_name = f"{region.parent_id.complete_name} / {region.name}"
            else:
                region.complete_name = region.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A region cannot be its own ancestor."))
