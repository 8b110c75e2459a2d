from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, MissingError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import get_translation


class IrRule(models.Model):
    """Our rules answer in the user's words, and hide what they hide.

    ``denial_message``: why the rule refuses, instead of Odoo's generic "top-secret records"
    message. ``answer_as_missing``: a record this rule keeps from a user's eyes is answered, when
    the user asks to read it, exactly like a record that does not exist: the error tells nothing,
    not even that it exists.
    """

    _inherit = "ir.rule"

    denial_message = fields.Char(
        translate=True,
        help="Shown to the user when this rule refuses an operation (instead of Odoo's generic "
        "access error).",
    )
    answer_as_missing = fields.Boolean(
        help="A record this rule hides is answered, whatever is asked of it, as if it did not "
        "exist.",
    )

    @api.model
    @tools.ormcache()
    def _models_answering_as_missing(self):
        rules = self.sudo().search([("answer_as_missing", "=", True)])
        return frozenset(rules.model_id.mapped("model"))

    @api.model
    def _answering_as_missing_domain(self, model_name):
        """What the global rules of ``model_name`` that answer as missing let the current user
        read (None: no such rule)."""
        rules = self.sudo().search(
            [
                ("model_id.model", "=", model_name),
                ("answer_as_missing", "=", True),
                ("global", "=", True),
            ]
        )
        if not rules:
            return None
        context = self._eval_context()
        return Domain.AND(
            Domain(safe_eval(rule.domain_force, context)) if rule.domain_force else Domain.TRUE
            for rule in rules
        )

    @api.model
    def _group_rules_answer_as_missing(self, model_name):
        """Whether a group rule of ``model_name`` answering as missing applies to the user."""
        return bool(
            self.sudo().search_count(
                [
                    ("model_id.model", "=", model_name),
                    ("answer_as_missing", "=", True),
                    ("global", "=", False),
                    ("groups", "in", self.env.user.all_group_ids.ids),
                ],
                limit=1,
            )
        )

    def _make_access_error(self, operation, records):
        error = super()._make_access_error(operation, records)
        failing = self._get_failing(records, mode=operation).sudo()
        hidden_by = failing if operation == "read" else self._get_failing(records, mode="read")
        if any(hidden_by.sudo().mapped("answer_as_missing")):
            error = self._missing_record_error(records[:1])
            # read() and web_read() leave them out, as Odoo leaves out missing records
            error.hidden_records = (records._name, tuple(records.ids))
            return error
        lang = self.env.user.context_get().get("lang")
        messages = [
            message
            for message in failing.with_context(lang=lang).mapped("denial_message")
            if message
        ]
        if not messages:
            return error
        explained = AccessError("\n".join(dict.fromkeys(messages)))
        explained.context = getattr(error, "context", None)
        return explained

    def _missing_record_error(self, record):
        """The error Odoo raises for a record that does not exist (odoo/orm/fields.py), word for
        word and in the same language: Odoo's own words, translated as Odoo translates them."""

        def odoo_text(source, **args):
            return get_translation("base", self.env.lang or "en_US", source, args)

        return MissingError(
            "\n".join(
                [
                    odoo_text("Record does not exist or has been deleted."),
                    odoo_text(
                        "(Record: %(record)s, User: %(user)s)", record=record, user=self.env.uid
                    ),
                ]
            )
        )
