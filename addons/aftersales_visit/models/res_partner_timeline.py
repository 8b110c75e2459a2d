from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.sales_pipeline.models.res_partner_timeline import ID_STRIDE


class ResPartnerTimeline(models.Model):
    """Revisits (with their satisfaction) and suggestions, complaints and care tickets in the
    customer's history."""

    _inherit = "res.partner.timeline"
    _depends = {
        "aftersales.visit": [
            "done_date",
            "scheduled_date",
            "partner_id",
            "name",
            "satisfaction",
            "note",
            "user_id",
            "state",
        ],
        "aftersales.ticket": ["opened_on", "partner_id", "number", "name", "user_id"],
    }

    kind = fields.Selection(
        selection_add=[("revisit", "Revisit"), ("ticket", "Ticket")],
        ondelete={"revisit": "cascade", "ticket": "cascade"},
    )

    @api.model
    def _timeline_queries(self):
        return super()._timeline_queries() + [
            SQL(
                """SELECT v.id * %(stride)s + 6, coalesce(v.done_date, v.scheduled_date::timestamp),
                          'revisit', v.partner_id,
                          v.name || CASE WHEN v.satisfaction > 0
                                         THEN ' ★' || to_char(v.satisfaction, 'FM0.0') ELSE '' END
                                 || coalesce(' ' || left(v.note, 150), ''),
                          v.user_id, 'aftersales.visit', v.id
                     FROM aftersales_visit v
                    WHERE v.state IN ('open', 'done')""",
                stride=ID_STRIDE,
            ),
            SQL(
                """SELECT t.id * %(stride)s + 7, t.opened_on, 'ticket', t.partner_id,
                          t.number || ' ' || t.name, t.user_id, 'aftersales.ticket', t.id
                     FROM aftersales_ticket t""",
                stride=ID_STRIDE,
            ),
        ]

    @api.model
    def _timeline_models(self):
        return super()._timeline_models() | {
            "aftersales.visit": "partner_id",
            "aftersales.ticket": "partner_id",
        }
