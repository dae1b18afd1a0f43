"""Import of the SPIP's list of upcoming releases with Odoo's standard import.

A prison is matched by its name among the prisons (accents and case aside), never
created from a name alone; a row without an ID whose prison and prison number are
those of an active person of the company updates that person instead of creating a
second file, and its empty cells leave the person's values as they are."""

from odoo import _, api, models

from .siao_detainee_duplicate import normalise_text

PRISON_COLUMN = "prison_id"
PRISON_ID_COLUMN = "prison_id/.id"
NUMBER_COLUMN = "prison_number"


class SiaoDetaineeImport(models.AbstractModel):
    _name = "siao.detainee.import"
    _description = "Import of the SPIP's lists into the persons in prison"

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
        if PRISON_COLUMN in fields:
            errors = self._siao_import_resolve_prisons(fields, data)
            if errors:
                return {"ids": False, "messages": errors, "nextrow": 0}
        updated_ids, errors = self._siao_import_match_persons(fields, data)
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        return super(
            SiaoDetaineeImport, self.with_context(siao_import_update_ids=updated_ids)
        ).load(fields, data)

    @api.model
    def _siao_import_resolve_prisons(self, fields, data):
        """Replace the prison names of the file by the prisons' ids, in place; return
        one error message per row whose prison is unknown or ambiguous."""
        column = fields.index(PRISON_COLUMN)
        prisons = {}
        for prison in self.env["res.partner"].search(
            [("siao_partner_type", "=", "prison")]
        ):
            for key in {normalise_text(prison.name), normalise_text(prison.ref)}:
                if key:
                    prisons.setdefault(key, set()).add(prison.id)
        errors = []
        for index, row in enumerate(data):
            name = (row[column] or "").strip()
            if not name:
                continue
            found = prisons.get(normalise_text(name), set())
            if len(found) == 1:
                row[column] = str(next(iter(found)))
                continue
            message = (
                _(
                    "Several prisons are named “%(name)s”: give them distinct names "
                    "or references first.",
                    name=name,
                )
                if found
                else _(
                    "The prison “%(name)s” is unknown: correct its name or create it "
                    "first (a contact of type Prison), then import again. Nothing "
                    "was imported.",
                    name=name,
                )
            )
            errors.append(
                {
                    "type": "error",
                    "message": message,
                    "record": index,
                    "rows": {"from": index, "to": index},
                    "field": PRISON_COLUMN,
                    "value": name,
                }
            )
        fields[column] = PRISON_ID_COLUMN
        return errors

    @api.model
    def _siao_import_match_persons(self, fields, data):
        """Give the rows without an ID that match an active person of the company
        (same prison, same prison number) that person's database ID; return the ids
        so matched, and an error per row that would give a second active file the
        same prison number (a file the user may not see, or a row repeated)."""
        if PRISON_ID_COLUMN not in fields or NUMBER_COLUMN not in fields:
            return (), []
        prison_col = fields.index(PRISON_ID_COLUMN)
        number_col = fields.index(NUMBER_COLUMN)
        id_cols = [fields.index(name) for name in ("id", ".id") if name in fields]

        def key(row):
            if any((row[col] or "").strip() for col in id_cols):
                return None
            prison, number = (row[prison_col] or "").strip(), (row[number_col] or "")
            if not prison.isdigit() or not number.strip():
                return None
            return int(prison), number.strip()

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

    def _load_records_write(self, values):
        if self.id in self.env.context.get("siao_import_update_ids", ()):
            # A list sent again: an empty cell means "not known", not "erase".
            values = {
                name: value
                for name, value in values.items()
                if value not in (False, None, "")
            }
        return super()._load_records_write(values)
