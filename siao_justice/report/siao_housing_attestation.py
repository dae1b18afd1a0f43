from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from ..models.record_tools import readable_by

# The public page where a clerk checks an attestation's code.
VERIFY_ROUTE = "/siao/attestation"
# The context key by which the portal's route names the officer it prints for.
ISSUER = "siao_attestation_issuer"


class ReportSiaoHousingAttestation(models.AbstractModel):
    """The attestation of a housing solution, for the judge (JAP): printable only
    when the person has one, by the one definition (``housing_solution_sql``)."""

    _name = "report.siao_justice.report_housing_attestation"
    _description = "Housing solution attestation"

    @api.model
    def _get_report_values(self, docids, data=None):
        persons = self.env["siao.detainee"].browse(docids)
        persons.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "siao.detainee",
            "docs": persons,
            "attestations": {person: self._attestation(person) for person in persons},
        }

    @api.model
    def _attestation(self, person):
        """What the attestation states of ``person``'s solution; a clear error
        saying what is missing when there is none. A user of the association
        attests only the solution they may read (a request, a place held); an
        officer on the portal, the solution of a person the portal shows them."""
        requests, reservations = person._housing_solution()
        user = self.env.user
        if user.share:
            Person = person.sudo().with_context(active_test=False)
            if not Person.search_count(
                [("id", "=", person.id)] + Person._portal_domain(user), limit=1
            ):
                raise AccessError(_("You may not print this attestation."))
        else:
            requests = readable_by(requests, user)
            reservations = readable_by(reservations, user)
        # A SAS apartment or a floating place held for the first night is a
        # night's shelter, not a fixed address to attest to the court.
        reservations = reservations.filtered(
            lambda r: not (r.kind == "reservation" and r.sudo().place_id.is_held_type)
        )
        admitted = requests.filtered(lambda r: r.state == "admitted")
        request = (admitted or requests)[:1]
        reservation = reservations.sorted("date_from")[:1]
        if not request and not reservation:
            raise UserError(
                _(
                    "No housing solution to attest: the person needs a SIAO request "
                    "admitted, or proposed with a structure or a place, or a place "
                    "reserved on the release date to plan for. Record it first."
                )
            )
        release = person.sudo().estimated_release_date
        if request:
            place = request.place_id
            structure = request.structure_id or place.structure_id
            kind = (
                self._label("siao.housing.place", "place_type", place.place_type)
                if place
                else self._label("siao.request", "orientation", request.orientation)
            )
            start = request.admission_date
            reference = request.name
        else:
            place = reservation.place_id
            structure = place.structure_id
            kind = self._label("siao.housing.place", "place_type", place.place_type)
            start = reservation.date_from
            reference = f"RES{reservation.id:06d}"
        expected = max(filter(None, (start, release)), default=False)
        issued = self.env["siao.attestation"]._issue(
            person,
            request,
            reservation if not request else reservation.browse(),
            " – ".join(filter(None, (kind, structure.name, place.name))),
            expected,
            self._issuer(),
        )
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return {
            "number": issued.name,
            "code": issued._formatted_code(),
            "verify_url": f"{base}{VERIFY_ROUTE}",
            "structure": structure,
            "place": place,
            "kind": kind,
            "expected_on": expected,
            "admitted": bool(admitted) or bool(reservation and not request),
            "reference": f"ATT-{reference}",
            "issued_on": person.sudo().company_id.siao_today(),
        }

    @api.model
    def _issuer(self):
        """Who issues it: the user, or the officer the portal renders it for (as
        the superuser, the portal's route says whom)."""
        if self.env.su and isinstance(self.env.context.get(ISSUER), int):
            return self.env["res.users"].browse(self.env.context[ISSUER])
        return self.env.user

    @api.model
    def _label(self, model, fname, value):
        field = self.env[model]._fields[fname]
        return dict(field._description_selection(self.env)).get(value) or ""
