"""The boundary of the addon's models: the values of every create() and write()."""

import math
from datetime import date, datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

MAX_CHAR = 1024
MAX_TEXT = 100_000
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_INT = 2**31 - 1
# Marks, in a call's context, that its values went through the boundary. A client
# cannot send it: it is a Python object, and JSON carries none.
BOUNDARY = object()
# x2many commands that act on existing records: update, delete, unlink, link, set.
LINKING_COMMANDS = (1, 2, 3, 4, 6)


class SiaoInputValidation(models.AbstractModel):
    """The addon's boundary: every create() and write() of its models enters it once.

    In this order, before anything is read or checked about the values (those of
    the call, and those it gives as context defaults): the caller's right to
    create or write (access rights and record rules); the records the values name,
    which must exist and be readable by the caller (a person the caller may not
    read cannot be linked to anything); the company a record goes into; the
    fields that only the addon's own rules change (refused); each value's type.
    Bad input ends in a clear ValidationError or AccessError naming the field,
    never a person. Every model of the addon inherits it; the rules of a person's
    records (``siao.person.record``) add to it, and nothing else does."""

    _name = "siao.input.validation"
    _description = "SIAO Justice input boundary"

    # ---- Fields of restricted groups ----
    @api.model
    def _search(self, domain, *args, **kwargs):
        """A field of restricted groups (the person's needs, notes...) is not
        searched by who may not read it: Odoo checks it when its column becomes
        SQL, not a many2many's link table."""
        self._check_restricted(self._domain_fields(domain))
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        """Nor grouped by, nor aggregated."""
        self._check_restricted(
            spec.split(":")[0].split(".")[0]
            for spec in (*groupby, *aggregates)
            if spec != "__count"
        )
        return super()._read_group(domain, groupby, aggregates, *args, **kwargs)

    @staticmethod
    def _domain_fields(domain):
        return [
            term[0].split(".")[0]
            for term in domain or ()
            if isinstance(term, list | tuple) and term and isinstance(term[0], str)
        ]

    def _check_restricted(self, names):
        if self.env.su:
            return
        restricted = [
            name
            for name in set(names)
            if name in self._fields and self._fields[name].groups
        ]
        if restricted:
            self.check_field_access_rights("read", restricted)

    @api.model_create_multi
    def create(self, vals_list):
        checked = self._boundary(vals_list, creating=True)
        # The INSERT meets PostgreSQL's constraints at once: the changes of this
        # model still in the cache (a request cancelled just before) reach them first.
        self.flush_model()
        records = super(SiaoInputValidation, checked).create(vals_list)
        return records.with_env(self._unmarked_env())

    def write(self, vals):
        checked = self._boundary([vals])
        return super(SiaoInputValidation, checked).write(vals)

    # ---- The boundary ----
    def _at_boundary(self):
        mark = self.env.context.get("siao_boundary")
        return isinstance(mark, tuple) and mark[0] is BOUNDARY and mark[1] == self._name

    def _unmarked_env(self):
        context = dict(self.env.context)
        context.pop("siao_boundary", None)
        return self.env(context=context)

    def _context_defaults(self):
        """The values a call gives through its context (``default_<field>``)."""
        return {
            key[8:]: value
            for key, value in self.env.context.items()
            if key.startswith("default_") and key[8:] in self._fields
        }

    def _boundary(self, vals_list, creating=False):
        """Check the call's values once; return ``self`` marked as checked, for the
        rest of the call (its own create and write, and the mixin's, skip the
        checks then). A creation's values given through the context are checked
        as the others; those of fields only the rules set are dropped."""
        if self._at_boundary():
            return self
        context = dict(self.env.context, siao_boundary=(BOUNDARY, self._name))
        checked_list = vals_list
        if creating:
            defaults = self._context_defaults()
            protected = self._protected_fields()
            for name in protected.intersection(defaults):
                del context[f"default_{name}"]
                del defaults[name]
            if not self.env.su:
                checked_list = [dict(defaults, **vals) for vals in vals_list]
        self._check_input(checked_list, creating=creating)
        return self.with_env(self.env(context=context))

    def _protected_fields(self):
        """Fields that only the addon's rules change: stored fields the model
        declares read-only (computed, related, or set by an action)."""
        if self._transient:
            return set()
        return {
            name
            for name, field in self._fields.items()
            if field.store and field.readonly and name not in models.MAGIC_COLUMNS
        }

    def _check_protected(self, vals_list):
        if self.env.su:
            return
        protected = self._protected_fields()
        for vals in vals_list:
            for name in protected.intersection(vals):
                raise ValidationError(
                    _(
                        "The field “%(field)s” is set by the application: it cannot "
                        "be written directly.",
                        field=self._fields[name]._description_string(self.env),
                    )
                )

    def _invalid(self, field, reason):
        return ValidationError(
            _(
                "Invalid value for the field “%(field)s”: %(reason)s",
                field=field._description_string(self.env),
                reason=reason,
            )
        )

    def _check_input(self, vals_list, creating=False):
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValidationError(
                    _("The values to save must be given as a dictionary.")
                )
        # The caller's right first: nothing is checked for someone who may not act,
        # then the records named (nothing is said about a file one may not read).
        if creating:
            self.browse().check_access("create")
        else:
            self.check_access("write")
        for field, ids in self._named_records(vals_list).items():
            self._check_references(field, ids)
        self._check_placement(vals_list, creating)
        self._check_protected(vals_list)
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None or field.type in ("one2many", "many2many", "binary"):
                    continue
                reason = self._value_problem(field, value)
                if reason:
                    raise self._invalid(field, reason)
            if creating and not self._transient:  # a wizard's defaults come later
                self._check_required(vals)

    def _named_records(self, vals_list):
        """{field: ids} of the existing records the values name."""
        references = {}
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None:
                    continue
                if field.type in ("one2many", "many2many"):
                    ids = self._command_ids(field, value)
                elif field.type == "many2one" and not self._value_problem(field, value):
                    ids = {value} if isinstance(value, int) and value else set()
                else:
                    continue
                if ids:
                    references.setdefault(field, set()).update(ids)
        return references

    def _check_placement(self, vals_list, creating):
        """Where the records go: into a company the user works in, and a record
        with a history stays in its own (a person's records add their person)."""
        self._check_company_wall(vals_list, creating)

    def _check_company_wall(self, vals_list, creating):
        """No record goes into a company its user is not in; a record with a
        history (any record of the addon points at it: a file's stay, a meeting's
        cases, a place's bookings) stays in its company: a file moves with all
        its records through a coordinator's transfer (``action_move_to_company``)."""
        if self.env.su or self._transient or "company_id" not in self._fields:
            return
        field = self._fields["company_id"]
        if not field.store or field.related or field.compute:
            return
        for vals in vals_list:
            if "company_id" not in vals:
                continue
            target = vals["company_id"] or False
            if target and target not in self.env.user.company_ids.ids:
                raise AccessError(
                    _("A record cannot be put in a company you do not work in.")
                )
            moving = (
                self.browse()
                if creating
                else self.filtered(
                    lambda record, target=target: record.company_id.id != target
                )
            )
            if moving._has_history():
                raise ValidationError(
                    _(
                        "This record has a history in its company: it stays there "
                        "(a coordinator moves a file with all of its records)."
                    )
                )

    def _history_fields(self):
        """(model, field) of every stored relation of the addon's models to this
        model (many2one, many2many): what makes a record's history, found from
        the registry."""
        found = []
        for name in sorted(self.env.registry):
            Model = self.env[name]
            if (
                not name.startswith("siao.")
                or Model._transient
                or not Model._auto
                or getattr(Model, "_siao_apart", False)  # the log of who read it
            ):
                continue
            for fname, field in Model._fields.items():
                if (
                    field.type in ("many2one", "many2many")
                    and field.comodel_name == self._name
                    and field.store
                    and not field.compute
                    and not field.related
                ):
                    found.append((name, fname))
        return found

    def _has_history(self):
        if not self:
            return False
        self.env.flush_all()
        return any(
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([(fname, "in", self.ids)], limit=1)
            for model, fname in self._history_fields()
        )

    def onchange(self, values, field_names, fields_spec):
        """An onchange computes a new record's related values as superuser: only
        for someone who may create or change the records, and never from a
        record they may not read."""
        if not self.env.su:
            if self:
                self.check_access("write")
            else:
                self.browse().check_access("create")
            merged = {
                name: value.get("id") if isinstance(value, dict) else value
                for name, value in dict(
                    self._context_defaults(), **(values or {})
                ).items()
            }
            for field, ids in self._named_records([merged]).items():
                self._check_references(field, ids)
        return super().onchange(values, field_names, fields_spec)

    def _command_ids(self, field, value):
        """The ids of existing records that x2many commands act on."""
        if not value:
            return set()
        if not isinstance(value, list | tuple):
            raise self._invalid(field, _("a list of commands is expected."))
        ids = set()
        for command in value:
            if not isinstance(command, list | tuple) or not command:
                raise self._invalid(field, _("a list of commands is expected."))
            if command[0] in LINKING_COMMANDS and len(command) >= 2:
                linked = command[2] if command[0] == 6 else [command[1]]
                if not isinstance(linked, list | tuple) or not all(
                    isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_INT
                    for i in linked
                ):
                    raise self._invalid(field, _("a record is expected."))
                ids.update(linked)
        return ids

    def _check_references(self, field, ids):
        """The records named must exist; the addon's own records must also be
        readable by the caller (a confidential person, or anything that is theirs,
        cannot be linked by someone who may not read them)."""
        targets = self.env[field.comodel_name].browse(ids)
        if len(targets.exists()) < len(ids):
            raise self._invalid(field, _("the record does not exist."))
        if self.env.su or not field.comodel_name.startswith("siao."):
            return
        if targets._filtered_access("read") != targets:
            raise AccessError(
                _(
                    "You may not link a record you cannot read (field “%(field)s”).",
                    field=field._description_string(self.env),
                )
            )

    @api.model
    def _check_required(self, vals):
        for name, field in self._fields.items():
            if (
                field.required
                and field.store
                and not field.compute
                and not field.related
                and field.default is None
                and name not in vals
                and f"default_{name}" not in self.env.context
            ):
                raise ValidationError(
                    _(
                        "The field “%(field)s” is required.",
                        field=field._description_string(self.env),
                    )
                )

    def _value_problem(self, field, value):  # noqa: C901
        """Return why ``value`` does not fit ``field``, or None when it does."""
        if value is None or value is False:
            return _("a value is required.") if field.required else None
        kind = field.type
        if kind in ("char", "text", "html"):
            if not isinstance(value, str):
                return _("text is expected.")
            if "\x00" in value:
                return _("the text contains a NUL character.")
            if field.required and not value.strip():
                return _("a value is required.")
            limit = field.size or (MAX_CHAR if kind == "char" else MAX_TEXT)
            if len(value) > limit:
                return _(
                    "the text is too long (%(limit)s characters at most).", limit=limit
                )
        elif kind == "selection":
            # The values only: translating the labels costs for each value checked.
            if not isinstance(value, str) or value not in field.get_values(self.env):
                return _(
                    "“%(value)s” is not one of the allowed choices.",
                    value=str(value)[:80].replace("\x00", ""),
                )
        elif kind in ("date", "datetime"):
            return self._date_value_problem(field, value)
        elif kind == "integer":
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or abs(value) > MAX_INT
            ):
                return _("a whole number is expected.")
        elif kind in ("float", "monetary"):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                return _("a number is expected.")
            if abs(value) > 1e12:
                return _("the number is too large.")
        elif kind == "boolean":
            if not isinstance(value, bool | int):
                return _("true or false is expected.")
        elif kind == "many2one":
            if isinstance(value, models.BaseModel):
                return None
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 0 < value <= MAX_INT
            ):
                return _("a record is expected.")
        return None

    def _date_value_problem(self, field, value):
        if isinstance(value, date | datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = (
                    fields.Date.to_date(value)
                    if field.type == "date"
                    else fields.Datetime.to_datetime(value)
                )
            except ValueError:
                parsed = None
        else:
            parsed = None
        if parsed is None:
            return _("a date is expected (YYYY-MM-DD).")
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            return _("the date is out of range.")
        return None
