"""The person's stays in prison and their release: the current stay kept with the
file, a transfer, a new incarceration, the release recorded (its outcome, what it
closes), the supervision outside prison, the end of the follow-up."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .record_tools import of_another_company, readable_by, wizard_action
from .siao_avdl_measure import CANCELLABLE_MEASURE_STATES
from .siao_detainee import (
    CLOSING_REASONS,
    DRY_EXIT_REASONS,
    FILE_TO_MEASURE_CLOSING,
    LEGAL_STATUSES,
    RELEASE_REQUEST_ACTIONS,
    STATE_CHANGE_CONTEXT,
    STATE_CHANGE_TOKEN,
    STAY_FIELDS,
    SUPERVISION_TYPES,
)
from .siao_detainee_import import SUPERVISION_FIELDS
from .siao_request import TRANSITIONS
from .siao_resource_right import CHECKLISTS, checklist_kind
from .siao_rules import (
    ADJUSTMENT_WAYS,
    NO_SOLUTION_OUTCOMES,
    RELEASE_OUTCOMES,
    RELEASE_WAYS,
    SUPERVISED_WAYS,
)


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    # ---- Stays ----
    def _start_stay(self):
        """Open the current stay of these files, from their current-stay fields."""
        Stay = self.env["siao.detainee.stay"].sudo()
        stays = Stay.create(
            [dict(Stay._values_of(person), detainee_id=person.id) for person in self]
        )
        for person, stay in zip(self.sudo(), stays, strict=True):
            person.current_stay_id = stay
        return stays

    @api.model
    def _start_missing_stays(self):
        """Every file without a current stay (but those supervised outside prison)
        gets one holding its current-stay values, and its requests and alerts
        belong to it: in SQL, for a database upgraded from 18.0.1.1.0 and for files
        loaded in bulk."""
        self.env.flush_all()
        cr = self.env.cr
        columns = SQL(", ").join(SQL.identifier(name) for name in STAY_FIELDS)
        cr.execute(
            SQL(
                """
                INSERT INTO siao_detainee_stay (
                    detainee_id, company_id, is_current, %(columns)s,
                    create_uid, create_date, write_uid, write_date)
                SELECT id, company_id, true, %(columns)s, %(uid)s,
                       now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM siao_detainee
                 WHERE current_stay_id IS NULL AND state != 'supervised'
                """,
                columns=columns,
                uid=self.env.uid,
            )
        )
        cr.execute(
            """
            UPDATE siao_detainee d SET current_stay_id = s.id
              FROM siao_detainee_stay s
             WHERE s.detainee_id = d.id AND d.current_stay_id IS NULL
               AND s.is_current
            """
        )
        cr.execute(
            """
            UPDATE siao_request r
               SET stay_id = d.current_stay_id, in_current_stay = true
              FROM siao_detainee d
             WHERE d.id = r.detainee_id AND r.stay_id IS NULL
            """
        )
        cr.execute(
            """
            UPDATE siao_deadline_alert a SET stay_id = d.current_stay_id
              FROM siao_detainee d
             WHERE d.id = a.detainee_id AND a.stay_id IS NULL
            """
        )
        self.env.invalidate_all()

    def _sync_current_stay(self):
        """The current stay holds the file's current-stay values."""
        self.env.flush_all()  # the computed LSC date too
        Stay = self.env["siao.detainee.stay"].sudo()
        for person in self.sudo().filtered("current_stay_id"):
            values = Stay._values_of(person)
            stay = person.current_stay_id
            if stay.supervision_type and (
                stay.supervision_start_date != person.supervision_start_date
            ):
                # The stay holds a supervision that ended; a new one is the
                # file's own (counted apart) until the next stay.
                for name in SUPERVISION_FIELDS:
                    values.pop(name)
            changed = {
                name: value
                for name, value in values.items()
                if (stay[name].id if name == "prison_id" else stay[name]) != value
            }
            if changed:
                stay.write(changed)

    def action_new_stay(
        self,
        prison_id,
        incarceration_date,
        prison_number=None,
        legal_status="convicted",
    ):
        """Nouvelle incarcération: a new stay in prison for a file that is not
        detained. The previous stay stays on the file as it was; open AVDL measures
        are closed (back in prison), open reservations end, consent is asked again,
        the resources checklist and the deadline alerts start afresh."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "detained":
            raise UserError(
                _("This person is detained: record a transfer instead of a new stay.")
            )
        if legal_status not in dict(LEGAL_STATUSES):
            raise UserError(_("Unknown legal status."))
        start = fields.Date.to_date(incarceration_date)
        if not start or not prison_id:
            raise UserError(_("Give the prison and the incarceration date."))
        last_release = self.sudo().stay_ids.filtered("actual_release_date")
        if last_release and start < max(last_release.mapped("actual_release_date")):
            raise ValidationError(
                _("A new stay cannot start before the release from the previous one.")
            )
        person = self.sudo()
        person._keep_supervision_period(start - timedelta(days=1))
        person._end_follow_up(
            start,
            free_from=start,
            reason=_("New incarceration"),
            measure_reason="reincarcerated",
        )
        person.resource_right_ids.write({"active": False})
        person.invalidate_recordset(["resource_right_ids"])
        values = {
            "state": "detained",
            "prison_id": prison_id,
            "prison_number": prison_number or False,
            "legal_status": legal_status,
            "incarceration_date": start,
            "sentence_months": 0,
            "sentence_end_date": False,
            "expected_release_date": False,
            "adjustment_type": "none",
            "lsc_excluded": False,
            "actual_release_date": False,
            "release_outcome": False,
            "dry_exit_reason": False,
            "closing_reason": False,
            "supervision_type": False,
            "supervision_start_date": False,
            "supervision_end_date": False,
            "release_way": False,
            "consent_date": False,
            "consent_scope": False,
        }
        # The values are checked as the caller's (prison, number, dates) before the
        # previous stay is left.
        with self.env.cr.savepoint():
            person.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
                {
                    name: value
                    for name, value in values.items()
                    if name not in STAY_FIELDS
                }
            )
            new_stay = (
                self.env["siao.detainee.stay"].sudo().create({"detainee_id": person.id})
            )
            person.current_stay_id = new_stay
            protected = self._protected_fields()
            self.write(
                {
                    name: values[name]
                    for name in STAY_FIELDS
                    if name in values and name not in protected
                }
            )
            person.write(
                {
                    name: values[name]
                    for name in STAY_FIELDS
                    if name in values and name in protected
                }
            )
        person._add_default_checklist()
        person.message_post(
            body=_(
                "New incarceration: a new stay starts. The previous one is kept "
                "in the Path tab."
            ),
        )
        return True

    def _keep_supervision_period(self, last_day):
        """Before a new stay: the supervision of the file ends by ``last_day`` at
        the latest, and stays on the path: its stay keeps it, or, followed
        without a stay (or after the stay's own supervision ended), a step of
        its own holds it (the figures count it over its dates)."""
        for person in self.sudo().filtered("supervision_type"):
            end = person.supervision_end_date
            if not end or end > last_day:
                start = person.supervision_start_date
                person.supervision_end_date = (
                    max(last_day, start) if start else last_day
                )
            stay = person.current_stay_id
            if stay.supervision_type and (
                stay.supervision_start_date == person.supervision_start_date
            ):
                continue
            self.env["siao.detainee.stay"].create(
                {"detainee_id": person.id}
                | {name: person[name] for name in SUPERVISION_FIELDS}
            )

    def action_transfer(self, prison_id, prison_number, transfer_date):
        """A detained person moves to another prison: the stay keeps the previous
        establishment in its transfers."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "detained":
            raise UserError(_("Only a detained person is transferred."))
        day = fields.Date.to_date(transfer_date)
        if not day or not prison_id:
            raise UserError(_("Give the new prison and the transfer date."))
        if self.incarceration_date and day < self.incarceration_date:
            raise ValidationError(
                _("A transfer cannot be before the incarceration date.")
            )
        prison = self.env["res.partner"].browse(prison_id)
        if of_another_company(prison, self.company_id):
            # A prison of another département: the file goes there by a handover.
            return self._propose_transfer_handover(prison, prison_number, day)
        self._record_transfer(prison_id, prison_number, day)
        return True

    def _record_transfer(self, prison_id, prison_number, day, values=None):
        """The move to ``prison_id`` written on the file (with ``values``), the
        previous establishment kept in the stay's transfers."""
        previous = (self.prison_id, self.prison_number)
        self.write(
            dict(
                values or {},
                prison_id=prison_id,
                prison_number=prison_number or False,
            )
        )
        self.env["siao.detainee.transfer"].sudo().create(
            {
                "stay_id": self.sudo().current_stay_id.id,
                "transfer_date": day,
                "from_prison_id": previous[0].id,
                "from_prison_number": previous[1],
                "to_prison_id": self.prison_id.id,
                "to_prison_number": self.prison_number,
            }
        )

    def _propose_transfer_handover(self, prison, prison_number, day):
        """A transfer to a prison of another département proposes the file's
        handover to it (the transfer recorded when it is accepted): the form of
        the handover, filled in, for the person's consent."""
        self._check_can_hand_over()
        company = prison.sudo().company_id
        action = self.action_open_handover()
        action["context"] = dict(
            action["context"],
            default_to_company_choice=str(company.id),
            default_to_prison_id=prison.id,
            default_to_prison_number=prison_number or False,
            default_transfer_date=fields.Date.to_string(day),
            default_reason=_("Transfer to %(prison)s", prison=prison.sudo().name),
        )
        return action

    def action_close_file(self, reason, note=None):
        """Close the follow-up with its reason."""
        if reason not in dict(CLOSING_REASONS):
            raise UserError(_("Give the reason of the closing."))
        self.check_access("write")
        for company, persons in self.grouped("company_id").items():
            today = company.siao_today()
            # A supervision running ends with the follow-up (the figures count
            # it until then).
            for person in persons.sudo().filtered(lambda p: p.state == "supervised"):
                end = person.supervision_end_date
                if not end or end > today:
                    person.supervision_end_date = today
            persons.sudo()._end_follow_up(
                today,
                free_from=today + timedelta(days=1),
                reason=_("Follow-up closed"),
                measure_reason=FILE_TO_MEASURE_CLOSING.get(reason, "other"),
            )
        self.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
            {"state": "closed", "closing_reason": reason}
        )
        for person in self:
            person.message_post(
                body=note or _("Follow-up closed."),
            )
        return True

    def action_end_supervision(self, close=False):
        """The court supervision ended (on its day, or earlier): the file is
        closed (its reason: the supervision ended) or followed on as released."""
        self.check_access("write")
        if not self or any(
            person.state != "supervised" or person.anonymised for person in self
        ):
            raise UserError(
                _("Only a file under court supervision ends its supervision.")
            )
        self.env["siao.deadline.alert"]._close_activities(
            self, ("supervision_end",), _("The supervision ended.")
        )
        for person in self:
            # The supervision ends today, or on its day if that has passed: the
            # figures count it until then.
            today = person.company_id.siao_today()
            end = person.supervision_end_date
            person.supervision_end_date = end if end and end <= today else today
        if close:
            return self.action_close_file("supervision_ended")
        for person in self:
            person.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
                {"state": "released"}
            )
            person.message_post(
                body=_("The supervision ended: the follow-up goes on."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _apply_supervision(self, values):
        """The supervision a SPIP's list or referral gives of a known person
        (``values``: of ``SUPERVISION_FIELDS``): the measure puts the file under
        it (``_put_under_supervision``), or moves the one under way."""
        self.ensure_one()
        values = {name: value for name, value in values.items() if value}
        if not values:
            return
        if values.get("supervision_type") or self.state == "supervised":
            self._put_under_supervision(
                values.get("supervision_type") or self.supervision_type,
                start=values.get("supervision_start_date"),
                end=values.get("supervision_end_date"),
            )
        else:
            raise UserError(
                _("Give the measure of the supervision (its type) with its dates.")
            )

    def _put_under_supervision(self, supervision_type, start=None, end=None):
        """A released (or closed) person the court now supervises outside prison
        (a milieu-ouvert list, a referral): the file goes under supervision from
        ``start`` (today by default) until ``end``; a file already under
        supervision takes the new type and end. A detained person's release is
        recorded first, with its way out."""
        if supervision_type not in dict(SUPERVISION_TYPES):
            raise UserError(_("Unknown court supervision."))
        for person in self:
            if person.state == "detained":
                raise UserError(
                    _(
                        "%(name)s is detained: record the release with its way out "
                        "first.",
                        name=person.display_name,
                    )
                )
            if person.anonymised:
                raise UserError(_("An anonymised file is not followed any more."))
            values = {"supervision_type": supervision_type}
            if end:
                values["supervision_end_date"] = end
            if person.state != "supervised":
                values |= {
                    "state": "supervised",
                    "closing_reason": False,
                    "supervision_start_date": start or person.company_id.siao_today(),
                    "supervision_end_date": end or False,
                }
            elif start:
                values["supervision_start_date"] = start
            person.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
                values
            )
        self.env["siao.deadline.alert"]._reschedule(self)
        return True

    def action_end_supervision_close(self):
        return self.action_end_supervision(close=True)

    def _end_follow_up(self, day, free_from, reason, measure_reason):
        """What was open for these persons ends on ``day`` (a new stay in prison,
        the follow-up closed): active AVDL measures close with ``measure_reason``,
        waiting ones are cancelled, open requests are cancelled with ``reason``,
        what was held on a place is free from ``free_from``, the deadline alerts
        are archived and their activities closed."""
        persons = self.sudo()
        measures = persons.avdl_measure_ids
        for measure in measures.filtered(lambda m: m.state == "active"):
            measure.action_close(
                closing_date=max(day, measure.housing_entry_date or day),
                closing_reason=measure_reason,
            )
        measures.filtered(
            lambda m: m.state in CANCELLABLE_MEASURE_STATES
        ).action_cancel()
        persons.reservation_ids._end_before(free_from)
        persons.request_ids.filtered("is_open").action_cancel(reason=reason)
        persons.alert_ids.write({"active": False})
        persons.invalidate_recordset(["alert_ids"])
        self.env["siao.deadline.alert"]._close_release_activities(
            persons, feedback=reason
        )

    # ---- Deadlines moved ----
    def _schedule_overdue_lsc(self):
        """An LSC de plein droit date already past, or within the notice, is
        alerted at once (short sentences), not on the next night."""
        due = self.filtered(
            lambda p: p.state == "detained"
            and p.lsc_automatic_date
            and p.lsc_automatic_date
            <= p.company_id.siao_today() + relativedelta(months=1)
        )
        if due:
            self.env["siao.deadline.alert"]._schedule(due)

    def _release_brought_forward(self, previous_dates):
        """The release date came earlier by more than a week: the referent is told
        and every deadline is checked again."""
        for person in self:
            person.sudo().message_post(
                body=_(
                    "The expected release date was brought forward from %(before)s "
                    "to %(after)s: the deadlines are checked again.",
                    before=previous_dates[person.id].strftime("%d/%m/%Y"),
                    after=person.expected_release_date.strftime("%d/%m/%Y"),
                ),
                partner_ids=person.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        self.env["siao.deadline.alert"]._reschedule(self)

    def _add_default_checklist(self):
        """The lines of each file's checklist for its kind of person (remand,
        short or long stay, supervised) that it does not have yet."""
        lines = []
        for person in self.sudo():
            present = set(person.resource_right_ids.mapped("right_type"))
            lines += [
                {"detainee_id": person.id, "right_type": right_type, "sequence": index}
                for index, right_type in enumerate(CHECKLISTS[checklist_kind(person)])
                if right_type not in present
            ]
        self.env["siao.resource.right"].sudo().create(lines)

    def _place_needed_from(self):
        """The day the person needs a place: their release day, or today once
        released (the proposal's check and a booking's first day read it)."""
        self.ensure_one()
        today = self.company_id.siao_today()
        return max(self.estimated_release_date or today, today)

    # ---- The first night ----
    def action_open_release_plan(self):
        """The release-day plan of the current stay (made from the solution found
        when there is none yet)."""
        self.ensure_one()
        plan = self.env["siao.release.plan"]._of_current_stay(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "siao.release.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_hold_first_night_place(self):
        """From the alert of the day before: a SAS apartment or a floating place
        held for the night of the release, the plan opened to complete."""
        self.ensure_one()
        plan = self.env["siao.release.plan"]._of_current_stay(self)
        plan.action_hold_place()
        return self.action_open_release_plan()

    # ---- The wizards of the stays, and the release ----
    def action_open_release_wizard(self):
        self.ensure_one()
        return wizard_action(self.env, "siao.release.wizard", detainee_id=self.id)

    def action_open_new_stay_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env,
            "siao.stay.wizard",
            detainee_id=self.id,
            kind="new_stay",
            prison_id=self.prison_id.id,
        )

    def action_open_close_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env, "siao.stay.wizard", detainee_id=self.id, kind="close"
        )

    def action_open_transfer_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env, "siao.stay.wizard", detainee_id=self.id, kind="transfer"
        )

    @api.model
    def _default_release_request_action(self, outcome):
        """What becomes of the open SIAO request at a release, unless the worker
        says: kept and updated when the person left without a solution."""
        return "update" if outcome in NO_SOLUTION_OUTCOMES else "keep"

    def _default_release_way(self):
        """The way out the adjustment planned on the file leads to (a person on
        remand leaves without a sentence ended: another way)."""
        self.ensure_one()
        if self.legal_status == "remand":
            return "other"
        return ADJUSTMENT_WAYS.get(self.adjustment_type, "end_of_sentence")

    def action_record_release(
        self,
        release_date=None,
        outcome=None,
        reason=None,
        request_action=None,
        way=None,
        supervision_end=None,
    ):
        """Record the day of release, how the person left (``way``: by default
        the adjustment planned) and where they went; the open SIAO request is
        updated, cancelled or kept (``request_action``). A way out under court
        supervision (LSC, LC, DDSE, PE, SL) puts the file under supervision
        until ``supervision_end``, the stay that ended kept."""
        if not release_date or not outcome:
            raise UserError(_("Give the release date and where the person went."))
        if outcome not in dict(RELEASE_OUTCOMES):
            raise UserError(_("Unknown release outcome."))
        if way and way not in dict(RELEASE_WAYS):
            raise UserError(_("Unknown way out of prison."))
        day = fields.Date.to_date(release_date)
        end = fields.Date.to_date(supervision_end) if supervision_end else None
        ways = {person: way or person._default_release_way() for person in self}
        if not way and not end:
            # Called without the way nor the supervision's end (a script of an
            # earlier version): a plain release, its way left unrecorded when
            # the adjustment planned would put it under supervision.
            ways = {
                person: False if default in SUPERVISED_WAYS else default
                for person, default in ways.items()
            }
        if any(w in SUPERVISED_WAYS for w in ways.values()):
            if not end:
                raise UserError(
                    _(
                        "A release under court supervision gives the day the "
                        "supervision ends."
                    )
                )
            if end <= day:
                raise UserError(_("The supervision ends after the release."))
        request_action = request_action or self._default_release_request_action(outcome)
        if request_action not in dict(RELEASE_REQUEST_ACTIONS):
            raise UserError(_("Unknown choice for the SIAO request."))
        if outcome == "dry_exit" and reason not in dict(DRY_EXIT_REASONS):
            raise UserError(_("A dry exit needs its reason."))
        not_detained = self.filtered(lambda p: p.state != "detained")
        if not_detained:
            raise UserError(
                _(
                    "%(names)s is not detained any more.",
                    names=", ".join(not_detained.mapped("name")),
                )
            )
        for person in self:
            supervision = SUPERVISED_WAYS.get(ways[person])
            person.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
                {
                    "state": "supervised" if supervision else "released",
                    "actual_release_date": day,
                    "release_outcome": outcome,
                    "dry_exit_reason": reason if outcome == "dry_exit" else False,
                    "supervision_type": supervision or False,
                    "supervision_start_date": day if supervision else False,
                    "supervision_end_date": end if supervision else False,
                }
            )
            # The way out is the release's: set here only, never written directly.
            person.sudo().release_way = ways[person]
        self.env["siao.deadline.alert"]._close_release_activities(self)
        self.filtered(lambda p: p.state == "supervised")._add_default_checklist()
        self.env["siao.release.plan"]._released_on(self, release_date)
        self._release_open_requests(release_date, request_action)
        return True

    def _release_open_requests(self, release_date, request_action):
        """After a release: the open requests of the stay that ended are updated
        (back to "to update", with an activity for their worker to give the SIAO
        the new situation), cancelled, or kept as they are."""
        if request_action == "keep":
            return
        requests = self.request_ids.filtered(lambda r: r.active and r.is_open)
        day = fields.Date.to_date(release_date).strftime("%d/%m/%Y")
        if request_action == "cancel":
            requests.action_cancel(
                reason=_("Released on %(date)s: no longer needed.", date=day)
            )
            return
        requests.filtered(
            lambda r: r.state in TRANSITIONS["to_update"][0]
        ).action_mark_to_update()
        outcome = self[:1].release_outcome
        for request in requests.sudo().filtered(lambda r: r.state != "draft"):
            env = request.with_context(
                lang=(request.user_id or request.detainee_id.user_id).lang
            ).env
            request.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                summary=env._(
                    "Released on %(date)s without a solution: give the SIAO the "
                    "person's new situation",
                    date=day,
                )
                if outcome in NO_SOLUTION_OUTCOMES
                else env._(
                    "Released on %(date)s: give the SIAO the person's new situation",
                    date=day,
                ),
                user_id=(
                    request.user_id or request.detainee_id.user_id or self.env.user
                ).id,
            )

    def _release_plan_values(self):
        """The release-day plan as the person's letter says it: the file's plan
        when there is one, else its start from the solution found for the
        release (the one definition of a housing solution): where to go and its
        address. Empty without either."""
        if not self:
            return {}
        self.ensure_one()
        plan = self.release_plan_id
        if not self.env.su:
            plan = readable_by(plan, self.env.user)
        if plan:
            return plan._letter_values()
        requests, reservations = self._housing_solution()
        if not self.env.su:
            # Only what the user may read of the solution.
            requests = readable_by(requests, self.env.user)
            reservations = readable_by(reservations, self.env.user)
        admitted = requests.filtered(lambda request: request.state == "admitted")
        request = (admitted or requests)[:1]
        place = request.place_id or reservations.sorted("date_from")[:1].place_id
        structure = request.structure_id or place.structure_id
        if not structure:
            return {}
        where = structure.name if not place else f"{structure.name} – {place.name}"
        return {
            "plan_place": where,
            "plan_address": structure._siao_postal_address(),
        }
