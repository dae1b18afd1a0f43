"""The dates of a SPIP list, read by Odoo's import before the list reaches
siao.detainee.load(): a cell that is not a date is named in the user's language,
with its row counted as the import's other messages count them (the first person
of the list is row 1), every such cell at once."""

from datetime import datetime

from odoo import _, models
from odoo.tools import DEFAULT_SERVER_DATE_FORMAT

from odoo.addons.base_import.models.base_import import ImportValidationError

IMPORTED_MODELS = ("siao.detainee",)


class BaseImportImport(models.TransientModel):
    _inherit = "base_import.import"

    def _parse_date_from_data(self, data, index, name, field_type, options):
        if self.res_model in IMPORTED_MODELS and field_type == "date":
            date_format = options.get("date_format") or DEFAULT_SERVER_DATE_FORMAT
            wrong = []
            for row, line in enumerate(data, start=1):
                value = (line[index] or "").strip()
                if not value:
                    continue
                try:
                    datetime.strptime(value, date_format)
                except ValueError:
                    wrong.append(
                        _(
                            "Row %(row)s: “%(value)s” is not a date.",
                            row=row,
                            value=value,
                        )
                    )
            if wrong:
                Model = self.env[self.res_model]
                field = Model._fields.get(name.split("/")[0])
                column = field._description_string(self.env) if field else name
                raise ImportValidationError(
                    " ".join(
                        [
                            _(
                                "The column %(column)s holds cells that are not "
                                "dates (expected as %(example)s):",
                                column=column,
                                example=self.env.company.siao_today().strftime(
                                    date_format
                                ),
                            ),
                            *wrong,
                        ]
                    ),
                    field=name,
                    field_type=field_type,
                )
        return super()._parse_date_from_data(data, index, name, field_type, options)
