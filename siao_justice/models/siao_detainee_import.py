"""The SPIP's list of coming releases, imported with Odoo's standard import: a known
person updated (never a second file), a transfer or a new stay recognised, an unknown
prison refused."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .record_tools import of_another_company
from .siao_rules import identity_text, normalise_text


def fields_date(value):
    """A date cell as load() receives it (already in the server's format)."""
    return fields.Date.to_date((value or "").strip() or None)


def import_row_keys(row, cols):
    """(prison key, identity) of an imported row, as the import matches a row to a
    file: (prison id, prison number) and (last name, first name, birth date) as
    ``identity_text`` writes them; None for a key the row does not give. ``cols``:
    {column name: index} of the columns present (the prisons already resolved)."""

    def cell(name):
        return (row[cols[name]] or "").strip() if name in cols else ""

    prison, number = cell(PRISON_ID_COLUMN), cell(NUMBER_COLUMN)
    prison_key = (int(prison), number) if prison.isdigit() and number else None
    try:
        birthdate = fields_date(cell("birthdate"))
    except ValueError:
        birthdate = None
    last = identity_text(cell("last_name"))
    identity = (
        (last, identity_text(cell("first_name")), birthdate)
        if birthdate and last
        else None
    )
    return prison_key, identity


def import_row_error(index, message, field, **extra):
    """An error of load() on the row ``index`` of the list, in the import's shape."""
    return {
        "type": "error",
        "message": message,
        "record": index,
        "rows": {"from": index, "to": index},
        "field": field,
        **extra,
    }


PRISON_COLUMN = "prison_id"
PRISON_ID_COLUMN = "prison_id/.id"
REFERENT_COLUMN = "spip_referent_id"
NUMBER_COLUMN = "prison_number"
IDENTITY_COLUMNS = ("last_name", "first_name", "birthdate")
IMPORT_KEY_COLUMNS = (PRISON_ID_COLUMN, NUMBER_COLUMN, *IDENTITY_COLUMNS)
# What a transfer or a new stay sets itself, from the row.
MOVE_FIELDS = ("prison_id", "prison_number", "incarceration_date", "legal_status")
# What a milieu-ouvert list gives of a supervision outside prison (its measure
# and its dates): a new person is created under supervision, a known one
# released is put under it (``_put_under_supervision``).
SUPERVISION_FIELDS = (
    "supervision_type",
    "supervision_start_date",
    "supervision_end_date",
)


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    # ==== Import ====
    # Import of the SPIP's list of upcoming releases with Odoo's standard import.
    #
    # A prison is matched by its name among the prisons (accents and case aside),
    # never created from a name alone; a row without an ID whose prison and prison
    # number are those of an active person of the company updates that person instead
    # of creating a second file, and its empty cells leave the person's values as they
    # are. A row whose prison number is new but whose person is known (same last name,
    # first name and birth date, accents and case aside) is that person's transfer, or
    # new stay if they had been released.

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("SPIP list of upcoming releases"),
                "template": "/siao_justice/static/import/liste_spip_exemple.csv",
            }
        ]

    @api.model
    def load(self, fields, data):
        self.browse().check_access("create")  # nothing is said to who may not import
        fields = list(fields)
        data = [list(row) for row in data]
        errors = []
        if PRISON_COLUMN in fields:
            errors += self._import_resolve_prisons(fields, data)
        if REFERENT_COLUMN in fields:
            errors += self._import_resolve_referents(fields, data)
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        return self._import_rows(fields, data)

    @api.model
    def _import_rows(self, fields, data):
        """The import of rows whose prisons are resolved: known persons matched,
        then Odoo's own load."""
        updated_ids, errors = self._import_match_persons(fields, data)
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        moves, supervised, errors = self._import_match_identities(
            fields, data, updated_ids
        )
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        # A known person's row of a milieu-ouvert list updates the file.
        updated_ids = tuple(updated_ids) + supervised
        detained = self.browse(list(moves)).filtered(lambda p: p.state == "detained")
        if not data:
            return {"ids": [], "messages": [], "nextrow": 0}
        result = super(
            SiaoDetainee,
            self.with_context(
                siao_import_update_ids=tuple(updated_ids) + tuple(moves),
                siao_import_move_ids=tuple(moves),
            ),
        ).load(fields, data)
        if result.get("ids"):
            # Imported files get their deadline activities now, not tonight.
            self.env["siao.deadline.alert"]._schedule(self.browse(result["ids"]))
        if result.get("ids") and moves:
            result["messages"] = result.get("messages", []) + self._moves_report(
                moves, set(detained.ids)
            )
        return result

    @api.model
    def _import_resolve_prisons(self, fields, data):
        """Replace the prison names of the file by the prisons' ids, in place; return
        one error message per row whose prison is unknown or ambiguous."""
        return self._import_resolve_partners(
            fields,
            data,
            PRISON_COLUMN,
            [("siao_partner_type", "=", "prison")],
            unknown=_(
                "The prison “%(name)s” is unknown: correct its name or create it "
                "first (a contact of type Prison), then import again. Nothing "
                "was imported."
            ),
            ambiguous=_(
                "Several prisons are named “%(name)s”: give them distinct names "
                "or references first."
            ),
        )

    @api.model
    def _import_resolve_referents(self, fields, data):
        """The same for the CPIP référent column: a contact of a SPIP, by name."""
        return self._import_resolve_partners(
            fields,
            data,
            REFERENT_COLUMN,
            [
                "|",
                ("siao_partner_type", "=", "spip"),
                ("commercial_partner_id.siao_partner_type", "=", "spip"),
            ],
            unknown=_(
                "The CPIP “%(name)s” is unknown: create them first as a contact of "
                "their SPIP, then import again. Nothing was imported."
            ),
            ambiguous=_(
                "Several SPIP contacts are named “%(name)s”: give them distinct "
                "names or references first."
            ),
        )

    @api.model
    def _import_resolve_partners(
        self, fields, data, column_name, domain, unknown, ambiguous
    ):
        """Replace the names of ``column_name`` by the ids of the contacts of
        ``domain`` named so (or of that reference), accents and case aside, in
        place; never create one from a name alone. Return an error per row whose
        contact is unknown or ambiguous."""
        column = fields.index(column_name)
        partners = {}
        for partner in self.env["res.partner"].search(domain):
            for key in {normalise_text(partner.name), normalise_text(partner.ref)}:
                if key:
                    partners.setdefault(key, set()).add(partner.id)
        errors = []
        for index, row in enumerate(data):
            name = (row[column] or "").strip()
            if not name:
                continue
            found = partners.get(normalise_text(name), set())
            if len(found) == 1:
                row[column] = str(next(iter(found)))
                continue
            errors.append(
                {
                    "type": "error",
                    "message": (ambiguous if found else unknown) % {"name": name},
                    "record": index,
                    "rows": {"from": index, "to": index},
                    "field": column_name,
                    "value": name,
                }
            )
        fields[column] = f"{column_name}/.id"
        return errors

    @api.model
    def _import_match_persons(self, fields, data):
        """Give the rows without an ID that match an active person of the company
        (same prison, same prison number) that person's database ID; return the ids
        so matched, and an error per row that would give a second active file the
        same prison number (a file the user may not see, or a row repeated)."""
        if PRISON_ID_COLUMN not in fields or NUMBER_COLUMN not in fields:
            return (), []
        prison_col = fields.index(PRISON_ID_COLUMN)
        number_col = fields.index(NUMBER_COLUMN)
        id_cols = [fields.index(name) for name in ("id", ".id") if name in fields]

        cols = {PRISON_ID_COLUMN: prison_col, NUMBER_COLUMN: number_col}

        def key(row):
            if any((row[col] or "").strip() for col in id_cols):
                return None
            return import_row_keys(row, cols)[0]

        keys = {key(row) for row in data} - {None}
        if not keys:
            return (), []
        domain = [
            ("company_id", "=", self.env.company.id),
            ("prison_id", "in", list({prison for prison, _n in keys})),
            ("prison_number", "in", list({number for _p, number in keys})),
        ]
        by_key = {
            (person.prison_id.id, person.prison_number.strip()): person.id
            for person in self.search(domain)
        }
        taken = {
            (person.prison_id.id, person.prison_number.strip())
            for person in self.sudo().search(domain)
        }
        errors, created = [], set()
        for index, row in enumerate(data):
            row_key = key(row)
            if row_key is None or row_key in by_key:
                continue
            if row_key in taken or row_key in created:
                errors.append(
                    {
                        "type": "error",
                        "message": _(
                            "Another person already has this prison number in this "
                            "prison."
                        ),
                        "record": index,
                        "rows": {"from": index, "to": index},
                        "field": NUMBER_COLUMN,
                        "value": row_key[1],
                    }
                )
            created.add(row_key)
        if errors or not by_key:
            return (), errors
        if ".id" not in fields:
            fields.append(".id")
            for row in data:
                row.append("")
        dbid_col = fields.index(".id")
        matched = set()
        for row in data:
            person_id = by_key.get(key(row))
            if person_id:
                row[dbid_col] = str(person_id)
                matched.add(person_id)
        return tuple(matched), []

    @api.model
    def _import_match_identities(self, fields, data, matched_ids):
        """The rows left without an ID whose person is known by identity get that
        person's ID: {person id: row index} of these moves (a row with a prison
        number), and an error per row whose identity fits two files (the caller's
        own files only are looked at); and the ids of the known persons of the
        rows of a milieu-ouvert list (a measure, no prison number), whose files
        the rows update without moving them."""
        if not set(IDENTITY_COLUMNS) <= set(fields):
            return {}, (), []
        cols = {name: fields.index(name) for name in IDENTITY_COLUMNS}
        errors = self._import_repeated_persons(data, cols)
        numbers = {PRISON_ID_COLUMN, NUMBER_COLUMN} <= set(fields)
        measure_col = (
            fields.index("supervision_type") if "supervision_type" in fields else None
        )
        if errors or not (numbers or measure_col is not None):
            return {}, (), errors
        number_col = fields.index(NUMBER_COLUMN) if numbers else None
        id_cols = [fields.index(name) for name in ("id", ".id") if name in fields]

        def identity(row):
            if any((row[col] or "").strip() for col in id_cols):
                return None
            # Neither a prison number nor a measure given: not known, not a move.
            if not (
                (number_col is not None and (row[number_col] or "").strip())
                or (measure_col is not None and (row[measure_col] or "").strip())
            ):
                return None
            return import_row_keys(row, cols)[1]

        wanted = {index: identity(row) for index, row in enumerate(data)}
        wanted = {index: key for index, key in wanted.items() if key}
        if not wanted:
            return {}, (), []
        known = {}
        for person in self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("birthdate", "in", list({key[2] for key in wanted.values()})),
                ("anonymised", "=", False),
            ]
        ):
            key = (
                identity_text(person.last_name),
                identity_text(person.first_name),
                person.birthdate,
            )
            known.setdefault(key, self.browse())
            known[key] |= person
        moves, updates = {}, set()
        if ".id" not in fields:
            fields.append(".id")
            for row in data:
                row.append("")
        dbid_col = fields.index(".id")
        for index, key in wanted.items():
            persons = known.get(key, self.browse()) - self.browse(matched_ids)
            if len(persons) > 1:
                errors.append(
                    {
                        "type": "error",
                        "message": _(
                            "Several files have this last name, first name and "
                            "birth date: merge them first, or give the file's ID in "
                            "the row."
                        ),
                        "record": index,
                        "rows": {"from": index, "to": index},
                        "field": "last_name",
                    }
                )
            elif persons and persons.id not in moves and persons.id not in updates:
                if number_col is not None and (data[index][number_col] or "").strip():
                    moves[persons.id] = index
                else:
                    updates.add(persons.id)
                data[index][dbid_col] = str(persons.id)
        return ({}, (), errors) if errors else (moves, tuple(updates), [])

    @api.model
    def _import_repeated_persons(self, data, cols):
        """An error per row whose person (last name, first name, birth date) is
        already on an earlier row of the list: one person, one row."""
        errors = []
        for index, first in self._import_repeated_keys(data, cols, 1):
            message = _(
                "This person is already on row %(row)s of the list: keep one row "
                "per person.",
                row=first + 1,
            )
            errors.append(import_row_error(index, message, "last_name"))
        return errors

    @api.model
    def _import_repeated_keys(self, data, cols, key):
        """(row index, index of the earlier row) of each row whose
        ``import_row_keys`` key number ``key`` is that of an earlier row; a row
        without that key is left to the import's own checks (a wrong date)."""
        first_row, repeated = {}, []
        for index, row in enumerate(data):
            value = import_row_keys(row, cols)[key]
            if not value:
                continue
            if value in first_row:
                repeated.append((index, first_row[value]))
            else:
                first_row[value] = index
        return repeated

    def _moves_report(self, moves, detained):
        """What the import did to the known persons it moved, row by row (persons
        the caller reads: only those are matched)."""
        messages = []
        for person in self.browse(list(moves)):
            row = moves[person.id]
            if person.id in detained:
                text = _(
                    "Row %(row)s: %(name)s was known under another prison number: "
                    "recorded as a transfer to %(prison)s.",
                    row=row + 1,
                    name=person.name,
                    prison=person.prison_id.name,
                )
            else:
                text = _(
                    "Row %(row)s: %(name)s was known and had been released: a new "
                    "stay in prison starts at %(prison)s.",
                    row=row + 1,
                    name=person.name,
                    prison=person.prison_id.name,
                )
            messages.append(
                {
                    "type": "info",
                    "message": text,
                    "record": row,
                    "rows": {"from": row, "to": row},
                }
            )
        return messages

    def _import_move(self, values):
        """A row of a known person with a new prison number: a transfer if they are
        detained, a new stay otherwise; the other values are written after."""
        values = dict(values)
        move = {name: values.pop(name) for name in MOVE_FIELDS if name in values}
        prison = move.get("prison_id") or self.prison_id.id
        number = move.get("prison_number") or False
        today = self.company_id.siao_today()
        if of_another_company(self.env["res.partner"].browse(prison), self.company_id):
            raise UserError(
                _(
                    "This establishment is one of another département: a "
                    "coordinator hands the file over to it from the file (Hand "
                    "over to another département)."
                )
            )
        if self.state == "detained":
            self.action_transfer(prison, number, today)
        else:
            self.action_new_stay(
                prison,
                move.get("incarceration_date") or today,
                prison_number=number,
                legal_status=move.get("legal_status") or "convicted",
            )
        return values

    @api.model
    def _supervised_create_values(self, values):
        """The values of a new file from a list or a referral: a person the row
        says supervised outside prison is created under that supervision (from
        today unless its start is given), without a stay in prison."""
        if not values.get("supervision_type"):
            return values
        company = self.env["res.company"].browse(values.get("company_id"))
        return dict(
            values,
            state="supervised",
            supervision_start_date=values.get("supervision_start_date")
            or (company or self.env.company).siao_today(),
        )

    def _load_records_create(self, vals_list):
        return super()._load_records_create(
            [self._supervised_create_values(vals) for vals in vals_list]
        )

    def _load_records_write(self, values):
        if self.id in self.env.context.get("siao_import_move_ids", ()):
            values = self._import_move(values)
        if self.id in self.env.context.get("siao_import_update_ids", ()):
            # A list sent again: an empty cell means "not known", not "erase".
            values = {
                name: value
                for name, value in values.items()
                if value not in (False, None, "")
            }
        supervision = {
            name: values.pop(name) for name in SUPERVISION_FIELDS if name in values
        }
        result = super()._load_records_write(values)
        self._apply_supervision(supervision)
        return result
