import contextlib
import contextvars
from collections import defaultdict

from odoo import api, models, tools
from odoo.exceptions import AccessError, MissingError
from odoo.fields import Domain

from ..tools.records import as_record_id

# set while a user's read is answered: reads made inside it leave hidden records to it
_ANSWERING_READ = contextvars.ContextVar("sales_pipeline_answering_read", default=False)


class Base(models.AbstractModel):
    """Two rules every create, copy, write, import and onchange of a user obeys, on every model.

    Fields only the application sets: an approval, a number, a clock, a protection flag. A model
    names them in ``_get_system_fields()`` (set by our own methods, as superuser) and
    ``_get_manager_fields()`` (set by sales managers). No user's create, copy, write or import
    sets them, and neither do defaults a client puts in the context or sets for itself
    (ir.default): a transition is a method.

    No record points at a customer its user cannot read.

    Reps see only some managed customers (record rules). A hidden customer linked to a record the
    rep can read (an order, a lead, a wizard, an import line, a ticket...) would show through that
    record: its name, contacts, e-mail and address, which related and computed fields read as
    superuser. So every create, write and onchange by a user (not the superuser) that sets a
    Many2one to ``res.partner`` checks the user can read that partner when it is a managed
    customer, on every model, ours and Odoo's, present and future. A hidden customer gets the
    answer a missing one gets. (A partner hidden by another rule is linked as in Odoo.)
    """

    _inherit = "base"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_guarded_fields_at_create(vals_list)
            defaults = self._link_defaults_set_by_users()
            self._check_links_readable(
                [
                    {**{k: v for k, v in defaults.items() if k not in vals}, **vals}
                    for vals in vals_list
                ]
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_guarded_fields(self._fields_changed_by(vals))
            self._check_links_readable([vals])
        return super().write(vals)

    def read(self, fields=None, load="_classic_read"):
        with self._users_own_read() as own:
            try:
                return super().read(fields, load)
            except MissingError as error:
                hidden = self._hidden_records_named_by(error) if own else None
                if not hidden:
                    raise
        return (self - hidden).read(fields, load)

    def web_read(self, specification):
        with self._users_own_read() as own:
            try:
                return super().web_read(specification)
            except MissingError as error:
                hidden = self._hidden_records_named_by(error) if own else None
                if not hidden:
                    raise
        return (self - hidden).web_read(specification)

    def onchange(self, values, field_names, fields_spec):
        given = dict(values)
        if not field_names:  # a new record: the defaults a client set (context, ir.default)
            given.update(
                (name, value)
                for name, value in self._link_defaults_set_by_users().items()
                if name in fields_spec and name not in values
            )
        self._check_links_readable([self._link_values_changed(given)])
        return super().onchange(values, field_names, fields_spec)

    # ------------------------------------------------------------------
    # Fields only the application sets
    # ------------------------------------------------------------------

    def _get_system_fields(self):
        """Fields set only by this model's own methods (as superuser)."""
        return set()

    def _get_manager_fields(self):
        """Fields set only by sales managers (and this model's own methods)."""
        return set()

    def _check_guarded_fields_at_create(self, vals_list):
        guarded = self._get_system_fields() | self._get_manager_fields()
        if not guarded:
            return
        # what create() will fill in: defaults of the context and the user's own (ir.default)
        defaults = self.default_get(sorted(guarded))
        self._check_guarded_fields(
            {
                name
                for vals in [defaults, *vals_list]
                for name, value in vals.items()
                if name in guarded and not self._is_default_value(name, value)
            }
        )

    def _is_default_value(self, name, value):
        field = self._fields[name]
        if not value:
            return True
        default = field.default(self) if callable(field.default) else field.default
        return field.convert_to_cache(value, self, validate=False) == field.convert_to_cache(
            default, self, validate=False
        )

    def _fields_changed_by(self, vals):
        """The guarded fields ``vals`` changes on at least one of these records."""
        guarded = (self._get_system_fields() | self._get_manager_fields()) & vals.keys()
        return {name for name in guarded if self.sudo()._changed_by(vals, [name])}

    def _changed_by(self, vals, names):
        """These records on which ``vals`` gives another value to one of ``names``."""
        names = [name for name in names if name in vals]

        def changes(record):
            for name in names:
                field = record._fields[name]
                new = field.convert_to_record(field.convert_to_cache(vals[name], record), record)
                if record[name] != new:
                    return True
            return False

        return self.filtered(changes) if names else self.browse()

    def _check_guarded_fields(self, names):
        if not names:
            return
        system = sorted(names & self._get_system_fields())
        if system:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s change only through the application's own actions "
                    "(submit, approve, claim, protect...), not by editing, copying or importing.",
                    fields=self._describe_fields(system),
                    model=self._description,
                )
            )
        manager = sorted(names & self._get_manager_fields())
        if manager and not self.env.user._is_sales_manager():
            raise AccessError(
                self.env._(
                    "Only a sales manager can set %(fields)s of %(model)s.",
                    fields=self._describe_fields(manager),
                    model=self._description,
                )
            )

    def _describe_fields(self, names):
        # as superuser: fields_get leaves out the fields of groups the user is not in
        descriptions = self.sudo().fields_get(names, ["string"])
        return ", ".join(f"“{descriptions[name]['string']}”" for name in names)

    # ------------------------------------------------------------------
    # No link to a record the user cannot read
    # ------------------------------------------------------------------

    def _link_values_changed(self, values):
        """``values`` minus the links the record already has (checked when they were set)."""
        if len(self) != 1 or not self.id:
            return values
        return {
            name: value
            for name, value in values.items()
            if not (self._is_guarded_link(name) and as_record_id(value) == self.sudo()[name].id)
        }

    @api.model
    def _link_defaults_set_by_users(self):
        """Defaults of this model's guarded links that a client can set: context keys and
        ir.default values (the user's own, or everyone's)."""
        links = self._guarded_link_names()
        if not links:
            return {}
        defaults = {
            name: value
            for name, value in self.env["ir.default"].sudo()._get_model_defaults(self._name).items()
            if name in links
        }
        defaults.update(
            (name, self.env.context[f"default_{name}"])
            for name in links
            if f"default_{name}" in self.env.context
        )
        return defaults

    @api.model
    @tools.ormcache()
    def _guarded_link_names(self):
        """Many2one fields to partners, or to a model whose records our rules hide as missing."""
        guarded = self.env["ir.rule"]._models_answering_as_missing() | {"res.partner"}
        return frozenset(
            name
            for name, field in self._fields.items()
            if field.type == "many2one" and field.comodel_name in guarded
        )

    def _is_guarded_link(self, name):
        return name in self._guarded_link_names()

    @api.model
    def _check_links_readable(self, vals_list):
        if self.env.su:
            return
        ids_by_model = defaultdict(set)
        for vals in vals_list:
            for name, value in vals.items():
                if self._is_guarded_link(name) and (record_id := as_record_id(value)):
                    ids_by_model[self._fields[name].comodel_name].add(record_id)
        for model, ids in ids_by_model.items():
            self.env[model].browse(sorted(ids))._check_linkable()

    def _check_linkable(self):
        """A user links only records they may read, as far as our rules hide them (a record
        hidden by one of Odoo's rules is linked as in Odoo)."""
        if self.env.su:
            return
        missing, hidden = self._split_missing_and_hidden()
        unlinkable = missing | hidden._hidden_by_rules_answering_as_missing()
        if unlinkable:
            raise self.env["ir.rule"]._missing_record_error(unlinkable[:1])

    def _hidden_by_rules_answering_as_missing(self):
        """Those of these records (which the user cannot read) that one of our rules answering
        as missing keeps from the user."""
        if not self:
            return self
        Rule = self.env["ir.rule"]
        domain = Rule._answering_as_missing_domain(self._name)
        if domain is None:
            # only group rules of ours, if any of the user's: all they keep hidden is ours
            return self if Rule._group_rules_answer_as_missing(self._name) else self.browse()
        passing = (
            self.sudo()
            .with_context(active_test=False)
            .search(Domain("id", "in", self.ids) & domain)
        )
        return self - passing.with_env(self.env)

    # ------------------------------------------------------------------
    # A hidden record is answered like a missing one
    # ------------------------------------------------------------------

    def _check_readable_as_if_missing(self):
        """Raise Odoo's "does not exist" error for the first of these records the user cannot
        read (or that does not exist): an action or a link on a hidden record tells nothing of
        it, not even that it exists."""
        if self.env.su:
            return
        missing, hidden = self._split_missing_and_hidden()
        if missing or hidden:
            raise self.env["ir.rule"]._missing_record_error((missing | hidden)[:1])

    def _split_missing_and_hidden(self):
        """(the records that do not exist, those that exist but the user may not read)."""
        existing = self.exists()
        return self - existing, existing - existing._filtered_access("read")

    @contextlib.contextmanager
    def _users_own_read(self):
        """Odoo leaves a missing record out of what ``read``/``web_read`` answer; a record our
        rules hide (``answer_as_missing``) is left out the same way, instead of an error that
        would tell it exists. Yields whether this read is the user's own call, which does so: a
        read inside it (of a related record) raises as before, and the call leaves out the
        records that error names when they are its own."""
        if self.env.su or _ANSWERING_READ.get():
            yield False
            return
        token = _ANSWERING_READ.set(True)
        try:
            yield True
        finally:
            _ANSWERING_READ.reset(token)

    def _hidden_records_named_by(self, error):
        model, ids = getattr(error, "hidden_records", (None, ()))
        if model != self._name or not set(ids) <= set(self._ids):
            return self.browse()
        return self.browse(ids)
