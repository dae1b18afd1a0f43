import math
import re
from datetime import date, datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, clean_context

MAX_CHAR = 1024
MAX_TEXT = 100_000
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_INT = 2**31 - 1
# Marks, in a call's context, that its values went through the boundary. A client
# cannot send it: it is a Python object, and JSON carries none.
BOUNDARY = object()
# x2many commands that act on existing records: update, delete, unlink, link, set.
LINKING_COMMANDS = (1, 2, 3, 4, 6)


def one_per_person_in_states(cr, table, states, condition=None):
    """The partial unique index ``<table>_one_open_per_person``: one row per person
    (``detainee_id``) among those in ``states`` (and ``condition``, an SQL), held by
    PostgreSQL under concurrency too. Created again when the list of states it was
    built from is no longer the model's."""
    name = f"{table}_one_open_per_person"
    cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
    row = cr.fetchone()
    if row and set(re.findall(r"'([^']*)'", row[0])) == set(states):
        return
    cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    cr.execute(
        SQL(
            "CREATE UNIQUE INDEX %s ON %s (detainee_id) WHERE %s AND state IN %s",
            SQL.identifier(name),
            SQL.identifier(table),
            condition or SQL("TRUE"),
            tuple(states),
        )
    )


def without_defaults(records):
    """``records`` without the caller's context defaults: for what the addon's
    rules create on their own."""
    return records.with_env(records.env(context=clean_context(records.env.context)))


class SiaoInputValidation(models.AbstractModel):
    """The addon's boundary: every create() and write() of its models enters it once.

    In this order, before anything is read or checked about the values (those of
    the call, and those it gives as context defaults): the caller's right to
    create or write (access rights and record rules); the records the values name,
    which must exist and be readable by the caller (a person the caller may not
    read cannot be linked to anything, a record does not move to another person);
    the fields that only the addon's own rules change (refused); each value's
    type. Bad input ends in a clear ValidationError or AccessError naming the
    field, never a person."""

    _name = "siao.input.validation"
    _description = "SIAO Justice input boundary"
    # The grouping whose columns _siao_folded_group folds (none by default).
    _siao_fold_groupby = None

    # ---- CRUD ----
    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Boards fold the columns ``_siao_folded_group`` names."""
        groups = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        first = groupby[0] if isinstance(groupby, list | tuple) and groupby else groupby
        if first and first == self._siao_fold_groupby:
            for group in groups:
                group["__fold"] = self._siao_folded_group(group)
        return groups

    @api.model
    def _search(self, domain, *args, **kwargs):
        """A field of restricted groups (the person's needs, notes...) is not
        searched by who may not read it: Odoo checks it when its column becomes
        SQL, not a many2many's link table."""
        self._siao_check_restricted(self._siao_domain_fields(domain))
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        """Nor grouped by, nor aggregated."""
        self._siao_check_restricted(
            spec.split(":")[0].split(".")[0]
            for spec in (*groupby, *aggregates)
            if spec != "__count"
        )
        return super()._read_group(domain, groupby, aggregates, *args, **kwargs)

    @staticmethod
    def _siao_domain_fields(domain):
        return [
            term[0].split(".")[0]
            for term in domain or ()
            if isinstance(term, list | tuple) and term and isinstance(term[0], str)
        ]

    def _siao_check_restricted(self, names):
        if self.env.su:
            return
        restricted = [
            name
            for name in set(names)
            if name in self._fields and self._fields[name].groups
        ]
        if restricted:
            self.check_field_access_rights("read", restricted)

    def _siao_step_buttons(self):
        """{a button of the form's header: the states it is offered from}: the
        model's own list of steps, so that the form never writes it again."""
        return {}

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for button, states in self._siao_step_buttons().items():
                for node in arch.xpath(f"//header/button[@name='{button}']"):
                    node.set("invisible", f"state not in {list(states)!r}")
        return arch, view

    def _siao_folded_group(self, group):
        """Whether the board grouped by ``_siao_fold_groupby`` folds this column
        (a read_group result)."""
        return False

    @api.model_create_multi
    def create(self, vals_list):
        checked = self._siao_boundary(vals_list, creating=True)
        # The INSERT meets PostgreSQL's constraints at once: the changes of this
        # model still in the cache (a request cancelled just before) reach them first.
        self.flush_model()
        records = super(SiaoInputValidation, checked).create(vals_list)
        records._siao_contact_made()
        return records.with_env(self._siao_unmarked_env())

    def write(self, vals):
        checked = self._siao_boundary([vals])
        result = super(SiaoInputValidation, checked).write(vals)
        if vals:
            self._siao_contact_made()
        return result

    # ---- The boundary ----
    def _siao_at_boundary(self):
        mark = self.env.context.get("siao_boundary")
        return isinstance(mark, tuple) and mark[0] is BOUNDARY and mark[1] == self._name

    def _siao_unmarked_env(self):
        context = dict(self.env.context)
        context.pop("siao_boundary", None)
        return self.env(context=context)

    def _siao_context_defaults(self):
        """The values a call gives through its context (``default_<field>``)."""
        return {
            key[8:]: value
            for key, value in self.env.context.items()
            if key.startswith("default_") and key[8:] in self._fields
        }

    def _siao_boundary(self, vals_list, creating=False):
        """Check the call's values once; return ``self`` marked as checked, for the
        rest of the call (its own create and write, and the mixin's, skip the
        checks then). A creation's values given through the context are checked
        as the others; those of fields only the rules set are dropped."""
        if self._siao_at_boundary():
            return self
        context = dict(self.env.context, siao_boundary=(BOUNDARY, self._name))
        checked_list = vals_list
        if creating:
            defaults = self._siao_context_defaults()
            protected = self._siao_protected_fields()
            for name in protected.intersection(defaults):
                del context[f"default_{name}"]
                del defaults[name]
            if not self.env.su:
                checked_list = [dict(defaults, **vals) for vals in vals_list]
        self._siao_check_values(checked_list, creating=creating)
        return self.with_env(self.env(context=context))

    def _siao_protected_fields(self):
        """Fields that only the addon's rules change: stored fields the model
        declares read-only (computed, related, or set by an action)."""
        if self._transient:
            return set()
        return {
            name
            for name, field in self._fields.items()
            if field.store and field.readonly and name not in models.MAGIC_COLUMNS
        }

    def _siao_check_protected(self, vals_list):
        if self.env.su:
            return
        protected = self._siao_protected_fields()
        for vals in vals_list:
            for name in protected.intersection(vals):
                raise ValidationError(
                    _(
                        "The field “%(field)s” is set by the application: it cannot "
                        "be written directly.",
                        field=self._fields[name]._description_string(self.env),
                    )
                )

    @api.model
    def _siao_wizard(self, model, **defaults):
        """The action opening ``model`` in a dialog, with these default values; the
        dialog is titled, in the user's language, with the wizard's kind when it
        has kinds, else with its name."""
        kind = self.env[model]._fields.get("kind")
        title = (
            dict(kind._description_selection(self.env))[defaults["kind"]]
            if kind and defaults.get("kind")
            else self.env["ir.model"]._get(model).name
        )
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{name}": value for name, value in defaults.items()},
        }

    def _siao_invalid(self, field, reason):
        return ValidationError(
            _(
                "Invalid value for the field “%(field)s”: %(reason)s",
                field=field._description_string(self.env),
                reason=reason,
            )
        )

    def _siao_check_values(self, vals_list, creating=False):
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
        for field, ids in self._siao_named_records(vals_list).items():
            self._siao_check_references(field, ids)
        if not creating:
            self._siao_check_same_person(vals_list)
        self._siao_check_company_wall(vals_list, creating)
        self._siao_check_frozen(vals_list, creating)
        self._siao_check_protected(vals_list)
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None or field.type in ("one2many", "many2many", "binary"):
                    continue
                reason = self._siao_value_problem(field, value)
                if reason:
                    raise self._siao_invalid(field, reason)
            if creating and not self._transient:  # a wizard's defaults come later
                self._siao_check_required(vals)

    def _siao_named_records(self, vals_list):
        """{field: ids} of the existing records the values name."""
        references = {}
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None:
                    continue
                if field.type in ("one2many", "many2many"):
                    ids = self._siao_command_ids(field, value)
                elif field.type == "many2one" and not self._siao_value_problem(
                    field, value
                ):
                    ids = {value} if isinstance(value, int) and value else set()
                else:
                    continue
                if ids:
                    references.setdefault(field, set()).update(ids)
        return references

    def _siao_check_company_wall(self, vals_list, creating):
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
            if moving._siao_has_history():
                raise ValidationError(
                    _(
                        "This record has a history in its company: it stays there "
                        "(a coordinator moves a file with all of its records)."
                    )
                )

    def _siao_check_frozen(self, vals_list, creating):
        """A file whose processing the person asked to limit (RGPD art. 18) is
        read-only for everyone, with everything of it (found from the registry,
        through the records it owns): only a coordinator's act lifts it
        (``action_unfreeze``)."""
        if self.env.su or self._transient:
            return
        Person = self.env["siao.detainee"].sudo()
        persons = Person if creating else self._siao_persons_read().sudo()
        for model, fname in Person._siao_belonging_fields():
            if model != self._name:
                continue
            parents = (
                self.env[self._fields[fname].comodel_name]
                .sudo()
                .browse(
                    vals[fname]
                    for vals in vals_list
                    # An id; any other value is the type checks' to refuse.
                    if type(vals.get(fname)) is int
                )
            )
            persons |= parents._siao_persons_read().sudo()
        if persons.filtered("frozen"):
            raise UserError(
                _(
                    "The processing of this file is limited at the person's request: "
                    "nothing of it changes until a coordinator lifts the limitation."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _siao_unlink_nothing_of_a_limited_file(self):
        self._siao_check_frozen([{}], creating=False)

    def _siao_history_fields(self):
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

    def _siao_has_history(self):
        if not self:
            return False
        self.env.flush_all()
        return any(
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([(fname, "in", self.ids)], limit=1)
            for model, fname in self._siao_history_fields()
        )

    def _siao_check_same_person(self, vals_list):
        """A record stays with its person: moving it to another file would show
        its history (messages, tracked values) to that file's readers."""
        if self.env.su or "detainee_id" not in self._fields or self._transient:
            return
        for vals in vals_list:
            if "detainee_id" in vals and any(
                record.detainee_id and record.detainee_id.id != vals["detainee_id"]
                for record in self
            ):
                raise ValidationError(
                    _(
                        "A record stays with its person's file: create a new one "
                        "for the other person."
                    )
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
                    self._siao_context_defaults(), **(values or {})
                ).items()
            }
            for field, ids in self._siao_named_records([merged]).items():
                self._siao_check_references(field, ids)
        return super().onchange(values, field_names, fields_spec)

    def _siao_command_ids(self, field, value):
        """The ids of existing records that x2many commands act on."""
        if not value:
            return set()
        if not isinstance(value, list | tuple):
            raise self._siao_invalid(field, _("a list of commands is expected."))
        ids = set()
        for command in value:
            if not isinstance(command, list | tuple) or not command:
                raise self._siao_invalid(field, _("a list of commands is expected."))
            if command[0] in LINKING_COMMANDS and len(command) >= 2:
                linked = command[2] if command[0] == 6 else [command[1]]
                if not isinstance(linked, list | tuple) or not all(
                    isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_INT
                    for i in linked
                ):
                    raise self._siao_invalid(field, _("a record is expected."))
                ids.update(linked)
        return ids

    def _siao_check_references(self, field, ids):
        """The records named must exist; the addon's own records must also be
        readable by the caller (a confidential person, or anything that is theirs,
        cannot be linked by someone who may not read them)."""
        targets = self.env[field.comodel_name].browse(ids)
        if len(targets.exists()) < len(ids):
            raise self._siao_invalid(field, _("the record does not exist."))
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
    def _siao_check_required(self, vals):
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

    def _siao_value_problem(self, field, value):  # noqa: C901
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
            return self._siao_date_problem(field, value)
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

    def _siao_date_problem(self, field, value):
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

    # ---- Identity: one rule ----
    def _siao_readable(self):
        """The records of ``self`` that the user behind the call may read, whether
        the call runs as superuser or not (Odoo reads the display name of a
        relation as superuser: the names shown must still follow the rules)."""
        if not self.env.su or self.env.user._is_superuser():
            return self
        return (
            self.with_env(self.env(su=False))
            ._filtered_access("read")
            .with_env(self.env)
        )

    def _siao_hide_unreadable_names(self):
        """Give the records the caller may not read a display name that names no
        one. Called at the end of each display-name compute of the addon."""
        for record in self - self._siao_readable():
            record.display_name = self.env._("Confidential file")

    def _siao_readable_by(self, user):
        """The records of ``self`` that ``user`` may read (in ``user``'s own
        companies, whatever the companies the caller works in)."""
        if not user:
            return self.browse()
        return (
            self.with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            ._filtered_access("read")
            .with_env(self.env)
        )

    def _siao_confidential_person(self):
        """The confidential file this record is, or belongs to (if any)."""
        self.ensure_one()
        person = self if self._name == "siao.detainee" else self["detainee_id"]
        return person if person.confidential else person.browse()

    def _siao_keeps_name_out(self):
        """Whether this record is, or belongs to, a confidential file."""
        return bool(
            (self._name == "siao.detainee" or "detainee_id" in self._fields)
            and self.sudo()._siao_confidential_person()
        )

    def _siao_may_receive(self, partner):
        """Whether ``partner`` may be sent this record (a follower, a recipient): a
        user of the association who reads it; an outside partner (a contact, a
        portal user) only when the person's consent covers them, and never for a
        confidential file."""
        self.ensure_one()
        person = self if self._name == "siao.detainee" else self.sudo()["detainee_id"]
        internal = partner.user_ids.filtered(lambda user: not user.share)
        if internal:
            return any(self._siao_readable_by(user) for user in internal)
        return bool(
            person
            and not person.sudo().confidential
            and person._consent_covers(partner)
        )

    def _siao_keep_to_readers(self, reassign=True):
        """A file, and its records, are followed only by those who may receive them
        (_siao_may_receive: its messages are sent to them), and its open activities
        are assigned to those who read it: others are removed and, with
        ``reassign``, their activities go to the file's referent."""
        if "message_follower_ids" not in self._fields or not (
            self._name == "siao.detainee" or "detainee_id" in self._fields
        ):
            return
        for record in self.sudo():
            person = record if record._name == "siao.detainee" else record.detainee_id
            if not person:
                continue
            for follower in record.message_follower_ids:
                if not record._siao_may_receive(follower.partner_id):
                    follower.unlink()
            activities = record["activity_ids"] if "activity_ids" in record else ()
            for activity in activities if reassign else ():
                if not record._siao_readable_by(activity.user_id):
                    referent = person.user_id
                    activity.user_id = (
                        referent if record._siao_readable_by(referent) else False
                    )

    # ---- Contact with the person ----
    # Changes to these records are acts of support: they move the person's last
    # contact (retention counts from it).
    _siao_support_act = False

    def _siao_contact_made(self):
        if (
            self._siao_support_act
            and self
            and not self.env.context.get("siao_not_a_contact")
        ):
            self.sudo().detainee_id._touch_last_contact()
