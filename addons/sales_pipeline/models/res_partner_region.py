from odoo import api, fields, models


class ResPartnerRegion(models.Model):
    _name = "res.partner.region"
    _inherit = ["res.partner.option.mixin"]
    _description = "Customer Region"
    _parent_store = True
    _parent_name = "parent_id"

    parent_id = fields.Many2one(
        comodel_name="res.partner.region",
        string="Parent Region",
        index=True,
        ondelete="restrict",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        comodel_name="res.partner.region",
        inverse_name="parent_id",
        string="Sub-regions",
    )

    _name_parent_uniq = models.Constraint(
        "unique(name, parent_id)",
        "A region with this name already exists under the same parent.",
    )

    @api.depends("name", "parent_id")
    def _compute_display_name(self):
        # Built from the (translated) names, so that "华东 / 上海" follows the user's language.
        for region in self:
            names, node = [], region
            while node:
                names.append(node.name or "")
                node = node.parent_id
            region.display_name = " / ".join(reversed(names))
