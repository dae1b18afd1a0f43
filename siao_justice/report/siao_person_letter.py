from odoo import api, models
from odoo.tools import format_date, format_datetime

from ..models.siao_avdl_measure import OPEN_MEASURE_STATES
from ..models.siao_detainee import SPIP_CONSENT_SCOPES
from ..models.siao_letter import EMERGENCY_NUMBER


class ReportSiaoPersonLetter(models.AbstractModel):
    """A letter to the person: what each kind of letter says of their own file,
    and nothing of anyone else's."""

    _name = "report.siao_justice.report_person_letter"
    _description = "Letter to the person"

    @api.model
    def _get_report_values(self, docids, data=None):
        letters = self.env["siao.letter"].browse(docids)
        letters.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "siao.letter",
            "docs": letters,
            "letters": {letter: self._facts(letter) for letter in letters},
        }

    @api.model
    def _label(self, record, field, value):
        return dict(record._fields[field]._description_selection(self.env)).get(
            value, ""
        )

    @api.model
    def _facts(self, letter):
        """What the letter states, read as the association (the worker printing
        it may read the file): its request's steps, the commission's decision,
        the office hours, the release day."""
        sudo = letter.sudo()
        person = sudo.detainee_id
        company = sudo.company_id
        zone = company.siao_timezone
        request = sudo.request_id or person.current_request_id
        steps = [
            (
                format_date(self.env, step.date),
                self._label(step, "event", step.event),
            )
            for step in request.history_ids.sorted(lambda step: (step.date, step.id))
        ]
        line = sudo.commission_line_id
        permanence = sudo.permanence_id or self.env["siao.permanence"].sudo()._next_in(
            person.prison_id
        )
        measure = person.avdl_measure_ids.filtered(
            lambda measure: measure.state in OPEN_MEASURE_STATES
        )[:1]
        release = person.estimated_release_date
        return {
            "company_address": company.partner_id._display_address(
                without_company=True
            ).replace("\n", ", "),
            "steps": steps,
            "meeting_date": line.meeting_id.day
            and format_date(self.env, line.meeting_id.day),
            "decision": line.decision and self._label(line, "decision", line.decision),
            # A letter goes through the establishment's mail: the place held is
            # named only when the person agreed to share beyond the SIAO.
            "place": line.place_id.display_name
            if person.consent_scope in SPIP_CONSENT_SCOPES
            else "",
            "office_hours": permanence.date
            and format_datetime(
                self.env, permanence.date, tz=zone, dt_format="EEEE d MMMM y, HH:mm"
            ),
            "release": release and format_date(self.env, release),
            "emergency": EMERGENCY_NUMBER,
            "bring": sudo.plan_bring
            or self.env._(
                "Your identity card or your release certificate (billet de "
                "sortie), your prescriptions and medicines, the papers of the CAF "
                "and of France Travail."
            ),
            "avdl_worker": measure.user_id.name or "",
            "referent": person.user_id.name or "",
        }
