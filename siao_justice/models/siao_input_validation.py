import math
from datetime import date, datetime

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

MAX_CHAR = 1024
MAX_TEXT = 100_000
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_INT = 2**31 - 1


class SiaoInputValidation(models.AbstractModel):
    """Checks every value given to create() and write() before it reaches the ORM,
    so that bad input from the web client or an external script ends in a clear
    ValidationError naming the field, never in an internal error."""

    _name = "siao.input.validation"
    _description = "SIAO Justice input validation"

    @api.model_create_multi
    def create(self, vals_list):
        self._siao_check_values(vals_list, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._siao_check_values([vals])
        return super().write(vals)

    @api.model
    def _siao_wizard(self, model, **defaults):
        """The action opening ``model`` in a dialog, with these default values."""
        return {
            "type": "ir.actions.act_window",
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

    @api.model
    def _siao_check_values(self, vals_list, creating=False):
        references = {}  # field: ids that must exist, checked in one query per field
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValidationError(
                    _("The values to save must be given as a dictionary.")
                )
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None or field.type in ("one2many", "many2many", "binary"):
                    continue
                reason = self._siao_value_problem(field, value)
                if reason:
                    raise self._siao_invalid(field, reason)
                if field.type == "many2one" and isinstance(value, int) and value:
                    references.setdefault(field, set()).add(value)
            if creating:
                self._siao_check_required(vals)
        for field, ids in references.items():
            if len(self.env[field.comodel_name].browse(ids).exists()) < len(ids):
                raise self._siao_invalid(field, _("the record does not exist."))

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
                    value=str(value)[:80],
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
