from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .record_tools import one_per_person_in_states, wizard_action
from .res_company import DEFAULT_TIMEZONE, company_today, flag_domain, local_day
from .siao_housing_place import PLACE_TYPES

MEASURE_STATES = [
    ("waiting", "Waiting list"),
    ("pre_entry", "Before entry"),
    ("active", "In housing"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
IN_FILE_STATES = ("pre_entry", "active")
OPEN_MEASURE_STATES = ("waiting", *IN_FILE_STATES)
# A measure not yet in housing is cancelled, not closed.
CANCELLABLE_MEASURE_STATES = ("waiting", "pre_entry")
# Each step of a measure and the states it starts from: the actions check them,
# the form's buttons show from them.
MEASURE_STEPS = {
    "start": ("waiting",),
    "enter_housing": ("pre_entry",),
    "renew": ("active",),
    "close": ("active",),
    "cancel": CANCELLABLE_MEASURE_STATES,
}
CLOSING_REASONS = [
    ("housing_kept", "Objectives met, housing kept"),
    ("rehoused", "Rehoused elsewhere"),
    ("housing_lost", "Housing lost"),
    ("reincarcerated", "Back in prison"),
    ("lost_contact", "No longer in contact"),
    ("moved_away", "Moved away"),
    ("other", "Other"),
]
REMINDER_DAYS = 15


def cancel_extra_open_measures(cr, today=None):
    """Before the unique index exists (the upgrade, whose pre-migration has no
    models yet): a person holding several open measures keeps the most advanced
    one (in housing, then before entry, then the oldest referral); the others are
    cancelled (closed when already in housing) and leave the active file on
    ``today`` (the association's day in the default time zone when the companies
    have no setting yet). Returns their ids."""
    cr.execute(
        SQL(
            """
            WITH ranked AS (
                SELECT id, row_number() OVER (
                           PARTITION BY detainee_id
                           ORDER BY array_position(%(order)s, state::text),
                                    referral_date, id) AS rank
                  FROM siao_avdl_measure
                 WHERE state IN %(open)s
            )
            UPDATE siao_avdl_measure m
               SET state = CASE WHEN m.state = 'active'
                                THEN 'closed' ELSE 'cancelled' END,
                   closing_date = CASE WHEN m.state = 'active'
                                       THEN %(today)s ELSE m.closing_date END,
                   closing_reason = CASE WHEN m.state = 'active'
                                         THEN 'other' ELSE m.closing_reason END,
                   file_until = CASE WHEN m.state IN %(in_file)s
                                     THEN %(today)s ELSE m.file_until END
              FROM ranked
             WHERE ranked.id = m.id AND ranked.rank > 1
         RETURNING m.id
            """,
            order=["active", "pre_entry", "waiting"],
            open=OPEN_MEASURE_STATES,
            in_file=IN_FILE_STATES,
            today=today or local_day(fields.Datetime.now(), DEFAULT_TIMEZONE),
        )
    )
    return [row[0] for row in cr.fetchall()]


def file_entry_day(day, referral=None, entry=None, moved=False):
    """A measure's first day in the active file, from its recorded dates: ``day``
    (the day it got room), or its referral when it entered the file then; never
    after its entry into housing. With ``moved``, the referral replaces ``day``
    (its referral date was corrected)."""
    days = [referral] if moved else [day, referral]
    days.append(entry)
    return min(d for d in days if d)


class SiaoAvdlMeasure(models.Model):
    _name = "siao.avdl.measure"
    _description = "AVDL Justice measure"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "siao.person.record",
        "siao.step.buttons",
    ]
    _order = "state, referral_date, id"
    _check_company_auto = True
    _support_act = True

    name = fields.Char(compute="_compute_name", store=True)
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="AVDL worker",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    referral_date = fields.Date(required=True, default=company_today, tracking=True)
    state = fields.Selection(
        MEASURE_STATES,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand=True,
    )
    is_open = fields.Boolean(
        string="Open",
        compute="_compute_state_flags",
        store=True,
        index=True,
        help="On the waiting list, before entry or in housing.",
    )
    in_active_file = fields.Boolean(
        string="In the active file",
        compute="_compute_state_flags",
        store=True,
        index=True,
        help="Before entry or in housing: counted against the worker's cap.",
    )
    file_from = fields.Date(
        string="In the active file since",
        readonly=True,
        copy=False,
        help="Dated history for the figures.",
    )
    file_until = fields.Date(
        string="Left the active file on", readonly=True, copy=False
    )
    housing_entry_date = fields.Date(
        string="Entry into housing", tracking=True, copy=False
    )
    period_months = fields.Integer(
        string="Period (months)",
        default=lambda self: self.env.company.siao_avdl_period_months,
        tracking=True,
    )
    renewal_count = fields.Integer(
        string="Renewals", readonly=True, copy=False, tracking=True
    )
    renewal_ids = fields.One2many(
        "siao.avdl.renewal", "measure_id", string="Renewal history"
    )
    end_date = fields.Date(
        compute="_compute_end_date", store=True, index=True, tracking=True
    )
    ending_soon = fields.Boolean(
        string="Ending within 15 days",
        compute="_compute_ending_soon",
        search="_search_ending_soon",
        help="In housing, and the period ends within the reminder's days of the "
        "association's today (or has ended).",
    )
    housing_type = fields.Selection(PLACE_TYPES, tracking=True)
    landlord_id = fields.Many2one(
        "res.partner",
        string="Landlord or structure",
        domain="[('siao_partner_type', 'in', ('host_structure', 'landlord'))]",
        tracking=True,
    )
    place_id = fields.Many2one(
        "siao.housing.place", string="Place", check_company=True, tracking=True
    )
    closing_date = fields.Date(tracking=True, copy=False)
    closing_reason = fields.Selection(CLOSING_REASONS, tracking=True, copy=False)
    queue_rank = fields.Integer(
        string="Rank in the waiting list", compute="_compute_queue_rank"
    )
    worker_file = fields.Char(
        string="Worker's active file", compute="_compute_worker_file"
    )

    _sql_constraints = [
        (
            "one_open_per_person",
            "",  # the partial unique index created in init()
            "This person already has an open AVDL measure (waiting list, before "
            "entry or in housing): a person holds one measure at a time.",
        ),
    ]

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("AVDL Justice measure created")

    def _step_buttons(self):
        return {
            "action_start": MEASURE_STEPS["start"],
            "action_enter_housing": MEASURE_STEPS["enter_housing"],
            "action_open_renew_wizard": MEASURE_STEPS["renew"],
            "action_open_close_wizard": MEASURE_STEPS["close"],
            "action_open_cancel_wizard": MEASURE_STEPS["cancel"],
        }

    @api.depends("state")
    def _compute_state_flags(self):
        for measure in self:
            measure.is_open = measure.state in OPEN_MEASURE_STATES
            measure.in_active_file = measure.state in IN_FILE_STATES

    def init(self):
        # One open measure per person, enforced by PostgreSQL under concurrency too.
        one_per_person_in_states(self.env.cr, self._table, OPEN_MEASURE_STATES)

    @api.model
    def _cancel_extra_open_measures(self):
        """See ``cancel_extra_open_measures``."""
        self.env.flush_all()
        ids = cancel_extra_open_measures(self.env.cr, self.env.company.siao_today())
        self.invalidate_model(["state", "file_until", "closing_date", "closing_reason"])
        # The flags read from the state follow it.
        measures = self.browse(ids)
        for name in ("is_open", "in_active_file"):
            self.env.add_to_compute(self._fields[name], measures)
        measures.flush_recordset(["is_open", "in_active_file"])
        return ids

    def _note_cancelled_as_extra(self):
        """After the upgrade's cancellations: each measure says why in its chatter
        (a note, not a contact with the person), its former worker stops
        following a file they no longer read, and the next person waiting is
        announced."""
        measures = self.sudo()
        for measure in measures:
            measure._message_log(
                body=measure.with_context(lang=measure.user_id.lang).env._(
                    "Cancelled at the upgrade: this person held another open AVDL "
                    "measure, which is kept. A person holds one measure at a time."
                ),
            )
        measures._keep_to_readers()
        measures.detainee_id._keep_to_readers()
        measures._announce_next_in_queue()

    # ---- Computes ----
    @api.depends("detainee_id.name")
    def _compute_name(self):
        for measure in self:
            measure.name = _("AVDL %(person)s", person=measure.detainee_id.name or "")

    @api.depends("name")
    @api.depends_context("uid")
    def _compute_display_name(self):
        for measure in self:
            measure.display_name = measure.name or ""
        self._hide_unreadable_names()

    @api.depends("housing_entry_date", "period_months", "renewal_count")
    def _compute_end_date(self):
        for measure in self:
            measure.end_date = (
                measure.housing_entry_date
                and measure.housing_entry_date
                + relativedelta(
                    months=measure.period_months * (1 + measure.renewal_count)
                )
            )

    def _compute_queue_rank(self):
        waiting = self.filtered(lambda m: m.state == "waiting")
        (self - waiting).queue_rank = 0
        if not waiting:
            return
        queues = self.search(
            [
                ("state", "=", "waiting"),
                ("user_id", "in", waiting.user_id.ids),
                ("company_id", "in", waiting.company_id.ids),
            ],
            order="referral_date, id",
        )
        ranks, seen = {}, {}
        for measure in queues:
            key = (measure.user_id.id, measure.company_id.id)
            seen[key] = seen.get(key, 0) + 1
            ranks[measure.id] = seen[key]
        for measure in waiting:
            measure.queue_rank = ranks.get(measure.id, 0)

    def _compute_worker_file(self):
        counts = self._active_file_counts(
            {(m.user_id.id, m.company_id.id) for m in self}
        )
        for measure in self:
            key = (measure.user_id.id, measure.company_id.id)
            measure.worker_file = (
                f"{counts.get(key, 0)} / {measure.company_id.siao_avdl_max_active}"
            )

    # ---- The active file: the one place that counts it ----
    @api.model
    def _active_file_counts(self, keys):
        """{(worker, company): number of measures in the active file}."""
        if not keys:
            return {}
        groups = self.sudo()._read_group(
            [
                ("in_active_file", "=", True),
                ("user_id", "in", [user for user, _company in keys]),
                ("company_id", "in", [company for _user, company in keys]),
            ],
            ["user_id", "company_id"],
            ["__count"],
        )
        return {(user.id, company.id): count for user, company, count in groups}

    @api.model
    def _lock_active_file(self, user_id, company_id):
        """Write the worker's file row, so that two transactions changing the same
        active file at once cannot both pass: PostgreSQL fails the second one with a
        serialization error and Odoo replays it, seeing the first."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO siao_avdl_file (user_id, company_id, change_count) "
                "VALUES (%s, %s, 1) "
                "ON CONFLICT (user_id, company_id) "
                "DO UPDATE SET change_count = siao_avdl_file.change_count + 1",
                user_id,
                company_id,
            )
        )

    def _room_in_file(self, user_id, company_id, adding=1):
        self._lock_active_file(user_id, company_id)
        company = self.env["res.company"].browse(company_id)
        count = self._active_file_counts({(user_id, company_id)}).get(
            (user_id, company_id), 0
        )
        return count + adding <= company.siao_avdl_max_active

    # ---- Constraints ----
    @api.constrains("user_id")
    def _check_worker_is_a_social_worker(self):
        group = self.env.ref("siao_justice.group_siao_user")
        if any(group not in measure.user_id.groups_id for measure in self.sudo()):
            raise ValidationError(
                _("The AVDL worker of a measure is one of the social workers.")
            )

    @api.constrains("housing_entry_date", "detainee_id")
    def _check_entry_after_release(self):
        """The entry into housing comes after the release: not before the actual
        release, nor, while the person is in prison, before the release planned."""
        for measure in self.sudo().filtered(
            lambda m: m.housing_entry_date and m.is_open
        ):
            person = measure.detainee_id
            release = (
                person.estimated_release_date
                if person.state == "detained"
                else person.actual_release_date
            )
            if release and measure.housing_entry_date < release:
                raise ValidationError(
                    _(
                        "The entry into housing cannot be before the release "
                        "(%(date)s): record the release, or correct the date.",
                        date=release.strftime("%d/%m/%Y"),
                    )
                )

    @api.constrains("period_months")
    def _check_period_months(self):
        if any(measure.period_months < 1 for measure in self):
            raise ValidationError(_("The period of a measure is at least one month."))

    # ---- CRUD ----
    def _check_may_give_access(self, persons):
        """The worker of a measure reads a confidential file: only its referent or
        a coordinator refers such a file, or hands its measure over."""
        if self.env.su or self.env.user.has_group("siao_justice.group_siao_manager"):
            return
        if any(
            person.confidential and person.user_id != self.env.user
            for person in persons.sudo()
        ):
            raise AccessError(
                _(
                    "Only the referent of a confidential file, or a coordinator, "
                    "chooses its AVDL worker."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        checked = self._boundary(vals_list, creating=True)
        self._check_may_give_access(
            self.env["siao.detainee"].browse(
                [vals["detainee_id"] for vals in vals_list if vals.get("detainee_id")]
            )
        )
        for vals in vals_list:
            if vals.get("detainee_id") and "company_id" not in vals:
                vals["company_id"] = (
                    self.env["siao.detainee"]
                    .sudo()
                    .browse(vals["detainee_id"])
                    .company_id.id
                )
            vals.setdefault("user_id", self.env.uid)
            vals.setdefault("company_id", self.env.company.id)
            vals.pop("state", None)
        measures = self.browse()
        for vals in vals_list:  # one by one: each referral sees the previous ones
            room = self._room_in_file(vals["user_id"], vals["company_id"])
            today = self.env["res.company"].browse(vals["company_id"]).siao_today()
            vals.update(
                {
                    "state": "pre_entry",
                    # In the file from its referral, as the worker records it.
                    "file_from": file_entry_day(
                        today,
                        fields.Date.to_date(vals.get("referral_date")) or today,
                        fields.Date.to_date(vals.get("housing_entry_date")),
                    ),
                }
                if room
                else {"state": "waiting"}
            )
            measures |= super(SiaoAvdlMeasure, checked).create([vals])
        return measures

    def write(self, vals):
        checked = self._boundary([vals])
        if "user_id" in vals:
            self._check_may_give_access(self.detainee_id)
        if "user_id" in vals or "company_id" in vals:
            # Every measure handed over in this call counts against the file that
            # receives it, however many are moved at once.
            arriving = {}
            for measure in self.filtered("in_active_file"):
                key = (
                    vals.get("user_id", measure.user_id.id),
                    vals.get("company_id", measure.company_id.id),
                )
                if key != (measure.user_id.id, measure.company_id.id):
                    arriving[key] = arriving.get(key, 0) + 1
            for (user_id, company_id), count in arriving.items():
                if not self._room_in_file(user_id, company_id, adding=count):
                    raise ValidationError(
                        _(
                            "This worker's active file is full: the measure cannot "
                            "be handed over."
                        )
                    )
        dated = self._file_from_follows(vals)
        result = super(SiaoAvdlMeasure, checked).write(vals)
        for measure, referred in dated.items():
            measure.sudo().file_from = file_entry_day(
                measure.file_from,
                measure.referral_date if referred else None,
                measure.housing_entry_date,
                moved=referred,
            )
        return result

    def _file_from_follows(self, vals):
        """{measure: whether it entered the file at its referral} of the measures
        in the file whose recorded dates this write changes: their first day in
        the file follows them."""
        if not {"referral_date", "housing_entry_date"} & set(vals):
            return {}
        return {
            measure: measure.file_from == measure.referral_date
            for measure in self.filtered("file_from")
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("A measure is history: cancel or close it instead of deleting it.")
        )

    # ---- Actions ----
    def _check_state(self, allowed):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for measure in self:
            if measure.state not in allowed:
                raise UserError(
                    _(
                        "The measure %(measure)s is “%(state)s”: this step is not "
                        "possible from there.",
                        measure=measure.name,
                        state=labels[measure.state],
                    )
                )

    def action_start(self):
        """Waiting list → before entry, when the worker's file has room."""
        self._check_state(MEASURE_STEPS["start"])
        self.check_access("write")
        for measure in self:
            if not self._room_in_file(measure.user_id.id, measure.company_id.id):
                raise ValidationError(
                    _(
                        "The active file of %(worker)s is full (%(cap)s measures).",
                        worker=measure.user_id.name,
                        cap=measure.company_id.siao_avdl_max_active,
                    )
                )
            measure.sudo().write(
                {
                    "state": "pre_entry",
                    "file_from": file_entry_day(
                        measure.company_id.siao_today(),
                        None,
                        measure.housing_entry_date,
                    ),
                }
            )
        return True

    def action_enter_housing(self):
        self._check_state(MEASURE_STEPS["enter_housing"])
        if self.filtered(lambda m: not m.housing_entry_date):
            raise UserError(_("Set the date of entry into housing first."))
        self.check_access("write")
        self.sudo().write({"state": "active"})
        # A measure's place is occupied from the entry into housing.
        for measure in self.sudo().filtered("place_id"):
            self.env["siao.housing.reservation"]._occupy(
                measure.detainee_id, measure.place_id, measure.housing_entry_date
            )
        return True

    def action_renew(self, reason=None):
        self._check_state(MEASURE_STEPS["renew"])
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the renewal."))
        self.check_access("write")
        for measure in self:
            before = measure.end_date
            measure.sudo().renewal_count += 1
            self.env["siao.avdl.renewal"].create(
                {
                    "measure_id": measure.id,
                    "reason": reason.strip(),
                    "previous_end_date": before,
                    "new_end_date": measure.end_date,
                }
            )
            measure.message_post(
                body=_(
                    "Renewed until %(date)s: %(reason)s",
                    date=measure.end_date,
                    reason=reason.strip(),
                )
            )
        return True

    def action_close(self, closing_date=None, closing_reason=None):
        self._check_state(MEASURE_STEPS["close"])
        if not closing_date or closing_reason not in dict(CLOSING_REASONS):
            raise UserError(_("Give the closing date and the reason."))
        closing_date = fields.Date.to_date(closing_date)
        if any(closing_date < m.housing_entry_date for m in self):
            raise ValidationError(
                _("The closing date cannot be before the entry into housing.")
            )
        self._leave_file(
            {
                "state": "closed",
                "closing_date": closing_date,
                "closing_reason": closing_reason,
            }
        )
        return True

    def action_cancel(self):
        self._check_state(MEASURE_STEPS["cancel"])
        self._leave_file({"state": "cancelled"})
        return True

    def _leave_file(self, values):
        self.check_access("write")
        leaving = self.filtered("in_active_file")
        for key in {(m.user_id.id, m.company_id.id) for m in leaving}:
            self._lock_active_file(*key)
        for company, measures in leaving.grouped("company_id").items():
            today = values.get("closing_date") or company.siao_today()
            measures.sudo().write(dict(values, file_until=today))
        (self - leaving).sudo().write(values)
        # Its worker no longer reads a confidential file: no more of its news.
        self._keep_to_readers()
        self.sudo().detainee_id._keep_to_readers()
        leaving._announce_next_in_queue()

    def _announce_next_in_queue(self):
        """A slot freed up: the coordinator is told who comes next."""
        for user_id, company_id in {(m.user_id.id, m.company_id.id) for m in self}:
            next_measure = self.search(
                [
                    ("state", "=", "waiting"),
                    ("user_id", "=", user_id),
                    ("company_id", "=", company_id),
                ],
                order="referral_date, id",
                limit=1,
            )
            if not next_measure:
                continue
            coordinator = self.env["res.users"].search(
                [
                    (
                        "groups_id",
                        "in",
                        self.env.ref("siao_justice.group_siao_manager").id,
                    ),
                    ("company_ids", "in", company_id),
                    ("share", "=", False),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
            next_measure.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                # The person is the activity's record, named to who may read it
                # (never stored in the summary's text).
                summary=_(
                    "A place is free in the AVDL file of %(worker)s: this measure "
                    "is next",
                    worker=next_measure.user_id.name,
                ),
                user_id=(coordinator or self.env.user).id,
            )

    def action_open_renew_wizard(self):
        self.ensure_one()
        return wizard_action(self.env, "siao.avdl.renew.wizard", measure_id=self.id)

    def action_open_close_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env, "siao.avdl.close.wizard", measure_id=self.id, kind="close"
        )

    def action_open_cancel_wizard(self):
        self._check_state(MEASURE_STEPS["cancel"])
        self.ensure_one()
        return wizard_action(
            self.env, "siao.avdl.close.wizard", measure_id=self.id, kind="cancel"
        )

    @api.model
    def action_open_active_files(self):
        """The coordinator's board of the active files per worker, titled with the
        cap each worker's file is held to (per company when they differ)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_dashboard_avdl_action"
        )
        companies = self.env.companies
        caps = set(companies.mapped("siao_avdl_max_active"))
        if len(caps) == 1:
            cap = str(caps.pop())
        else:
            cap = ", ".join(
                f"{company.siao_avdl_max_active} ({company.name})"
                for company in companies
            )
        action["name"] = action["display_name"] = _(
            "Active files per worker (cap: %(cap)s per worker)", cap=cap
        )
        return action

    # ---- Crons ----
    @api.model
    def _ending_soon_domain(self):
        return [("state", "=", "active")] + self.env[
            "res.company"
        ]._siao_per_day_domain(
            lambda today: [
                ("end_date", "<=", today + relativedelta(days=REMINDER_DAYS))
            ]
        )

    def _compute_ending_soon(self):
        soon = self.filtered_domain(self._ending_soon_domain())
        for measure in self:
            measure.ending_soon = measure in soon

    def _search_ending_soon(self, operator, value):
        return flag_domain(self.env, self._ending_soon_domain(), operator, value)

    @api.model
    def _cron_end_reminders(self):
        """15 days before the end of each period, remind the worker, once per period."""
        due = self.search(
            expression.AND(
                [
                    [
                        ("state", "in", MEASURE_STEPS["renew"]),
                        ("detainee_id.frozen", "=", False),
                    ],
                    self.env["res.company"]._siao_per_day_domain(
                        lambda today: [
                            ("end_date", ">=", today),
                            (
                                "end_date",
                                "<=",
                                today + relativedelta(days=REMINDER_DAYS),
                            ),
                        ]
                    ),
                ]
            )
        )
        sent = {
            (r.measure_id.id, r.period_index)
            for r in self.env["siao.avdl.reminder"].search(
                [("measure_id", "in", due.ids)]
            )
        }
        todo = due.filtered(lambda m: (m.id, m.renewal_count) not in sent)
        activity_type = self.env.ref("siao_justice.mail_activity_type_avdl_end")
        activities = self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": measure.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._(
                        "The measure ends on %(date)s: renew or close",
                        date=measure.end_date,
                    ),
                    "date_deadline": measure.end_date,
                    "user_id": measure.user_id.id,
                }
                for measure in todo
            ]
        )
        self.env["siao.avdl.reminder"].create(
            [
                {
                    "measure_id": measure.id,
                    "period_index": measure.renewal_count,
                    "activity_id": activity.id,
                }
                for measure, activity in zip(todo, activities, strict=True)
            ]
        )
        return todo
