from contextlib import contextmanager

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class SiaoHousingReservation(models.Model):
    _name = "siao.housing.reservation"
    _description = "Place reservation or occupation"
    _inherit = ["mail.thread", "siao.input.validation"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    place_id = fields.Many2one(
        "siao.housing.place",
        string="Place",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="place_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [
            ("reservation", "Reservation (place held)"),
            ("occupation", "Occupation"),
            ("immersion", "Immersion before release"),
        ],
        required=True,
        default="reservation",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "To confirm"),
            ("confirmed", "Confirmed"),
            ("cancelled", "Cancelled"),
        ],
        default="confirmed",
        required=True,
        tracking=True,
        index=True,
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", tracking=True, help="Empty: open-ended.")
    jap_agreement_date = fields.Date(
        string="JAP agreement", tracking=True, help="Required to confirm an immersion."
    )
    note = fields.Text()

    def init(self):
        # No two confirmed reservations of one place overlap: PostgreSQL guards it,
        # for concurrent requests too.
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        self.env.cr.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = "
            "'siao_housing_reservation_no_overlap'"
        )
        if not self.env.cr.fetchone():
            self.env.cr.execute(
                """
                ALTER TABLE siao_housing_reservation
                  ADD CONSTRAINT siao_housing_reservation_no_overlap
                  EXCLUDE USING gist (
                      place_id WITH =,
                      daterange(date_from, date_to, '[]') WITH &&
                  ) WHERE (state = 'confirmed')
                """
            )

    @api.depends("place_id", "detainee_id", "kind")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for reservation in self:
            reservation.display_name = _(
                "%(kind)s of %(place)s for %(person)s (%(dates)s)",
                kind=labels.get(reservation.kind, ""),
                place=reservation.place_id.name or "",
                person=reservation.detainee_id.name or "",
                dates=reservation._dates_label(),
            )

    def _dates_label(self):
        start = self.date_from and self.date_from.strftime("%d/%m/%Y") or ""
        end = self.date_to and self.date_to.strftime("%d/%m/%Y") or "…"
        return f"{start} – {end}"

    def _covers(self, day):
        self.ensure_one()
        return (
            self.state == "confirmed"
            and self.date_from <= day
            and (not self.date_to or day <= self.date_to)
        )

    # ---- Constraints ----
    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for reservation in self:
            if reservation.date_to and reservation.date_to < reservation.date_from:
                raise ValidationError(_("A reservation cannot end before it starts."))

    @api.constrains("kind", "state", "jap_agreement_date")
    def _check_immersion(self):
        for reservation in self:
            if (
                reservation.kind == "immersion"
                and reservation.state == "confirmed"
                and not reservation.jap_agreement_date
            ):
                raise ValidationError(
                    _(
                        "An immersion before release is confirmed only with the "
                        "JAP's agreement date."
                    )
                )

    @api.model
    def _check_no_overlap(self, place_id, date_from, date_to, except_ids=()):
        """Refuse a confirmed booking of ``place_id`` over these dates if another one
        holds it, naming that one. PostgreSQL's exclusion constraint stays the guard
        for bookings made at the same instant."""
        domain = [
            ("id", "not in", list(except_ids)),
            ("place_id", "=", place_id),
            ("state", "=", "confirmed"),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", date_from),
        ]
        if date_to:
            domain.append(("date_from", "<=", date_to))
        other = self.sudo().search(domain, limit=1)
        if other:
            raise ValidationError(
                _(
                    "This place is already taken over these dates: %(other)s.",
                    other=other.display_name,
                )
            )

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        self._siao_check_values(vals_list, creating=True)  # before reading them
        for vals in vals_list:
            if vals.get("kind") == "immersion" and "state" not in vals:
                vals["state"] = "draft"
            if vals.get("state", "confirmed") == "confirmed" and vals.get("place_id"):
                self._check_no_overlap(
                    vals["place_id"],
                    fields.Date.to_date(vals.get("date_from")),
                    fields.Date.to_date(vals.get("date_to")),
                )
        with self._overlap_guard():
            return super().create(vals_list)

    def write(self, vals):
        self._siao_check_values([vals])  # before reading them
        if {"place_id", "date_from", "date_to", "state"} & set(vals):
            for reservation in self:
                if vals.get("state", reservation.state) == "confirmed":
                    self._check_no_overlap(
                        vals.get("place_id", reservation.place_id.id),
                        fields.Date.to_date(
                            vals.get("date_from", reservation.date_from)
                        ),
                        fields.Date.to_date(vals.get("date_to", reservation.date_to)),
                        except_ids=self.ids,
                    )
        with self._overlap_guard():
            result = super().write(vals)
            self.flush_recordset()
        return result

    @contextmanager
    def _overlap_guard(self):
        """Turn the database's own refusal (a concurrent booking committed after this
        transaction began) into a clear message."""
        try:
            with self.env.cr.savepoint():
                yield
        except psycopg2.errors.ExclusionViolation as exc:
            raise ValidationError(
                _(
                    "This place is already taken over these dates by another "
                    "reservation."
                )
            ) from exc

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(reservation.state == "confirmed" for reservation in self):
            raise UserError(
                _("Cancel the reservation instead of deleting it: it is history.")
            )

    # ---- Actions ----
    def action_confirm(self):
        self.write({"state": "confirmed"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True
