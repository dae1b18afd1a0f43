"""Resources continuity as a plan: the postal address (domiciliation) first, then
each right or document with the body to ask, the contact, the appointment (an
activity for the referent) and the day the person expects it back; the dates the
detention itself sets by a fixed rule (the CAF's 60 days for RSA and AAH, a
company setting where a département applies it differently) are computed from
the stay and named on the line. The lines depend on the kind of person (remand,
short or long sentence, supervised outside prison)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

RIGHT_TYPES = [
    ("domiciliation", "Postal address (domiciliation)"),
    ("rsa", "RSA"),
    ("aah", "AAH"),
    ("are_ass", "Unemployment benefits (ARE/ASS)"),
    ("css", "Health cover (CSS)"),
    ("caf_housing", "CAF housing aid"),
    ("id_document", "Identity document"),
    ("bank_account", "Bank account"),
    ("other", "Other"),
]
BODIES = [
    ("ccas", "CCAS or approved body (domiciliation)"),
    ("caf", "CAF"),
    ("cpam", "CPAM"),
    ("france_travail", "France Travail"),
    ("mdph", "MDPH"),
    ("prefecture", "Prefecture (identity card, residence permit)"),
    ("bank", "Bank"),
    ("other", "Other"),
]
# The body a right is asked of, unless the worker says another.
RIGHT_BODIES = {
    "domiciliation": "ccas",
    "rsa": "caf",
    "aah": "caf",
    "are_ass": "france_travail",
    "css": "cpam",
    "caf_housing": "caf",
    "id_document": "prefecture",
    "bank_account": "bank",
}
# The lines of the checklist by kind of person (``checklist_kind``), the postal
# address first: no claim reopens without it.
CHECKLISTS = {
    "remand": ("domiciliation", "id_document", "css", "bank_account"),
    "short": ("domiciliation", "id_document", "css", "caf_housing", "bank_account"),
    "long": (
        "domiciliation",
        "rsa",
        "aah",
        "are_ass",
        "css",
        "caf_housing",
        "id_document",
        "bank_account",
    ),
    "supervised": (
        "domiciliation",
        "rsa",
        "css",
        "caf_housing",
        "id_document",
        "bank_account",
    ),
}
DEFAULT_CHECKLIST = CHECKLISTS["long"]
# What the kind of checklist is read from (``checklist_kind``).
CHECKLIST_INPUTS = frozenset(
    {
        "legal_status",
        "incarceration_date",
        "expected_release_date",
        "sentence_months",
        "sentence_end_date",
        "lsc_excluded",
    }
)
# What still blocks entry into housing while it is to do (shown on the board).
BLOCKING_RIGHTS = ("domiciliation", "rsa", "aah", "id_document")


def checklist_kind(person):
    """The kind of checklist of a file: supervised outside prison; a stay short
    enough that the CAF suspends nothing (within the company's days); on remand
    without a known release; or a longer stay (the CAF's rules hold whatever
    the legal status)."""
    if person.state == "supervised":
        return "supervised"
    start, end = person.incarceration_date, person.estimated_release_date
    days = person.company_id.siao_caf_detention_days
    if start and end and (end - start).days <= days:
        return "short"
    if person.legal_status == "remand" and not end:
        return "remand"
    return "long"


class SiaoResourceRight(models.Model):
    _name = "siao.resource.right"
    _description = "Resources continuity item"
    _inherit = ["siao.person.record"]
    _order = "detainee_id, sequence, id"
    _support_act = True

    detainee_id = fields.Many2one(
        "siao.detainee", string="Person", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    active = fields.Boolean(
        default=True, help="Archived: the checklist of a previous stay in prison."
    )
    sequence = fields.Integer(default=10)
    right_type = fields.Selection(
        RIGHT_TYPES, string="Right or document", required=True
    )
    status = fields.Selection(
        [
            ("todo", "To do"),
            ("prepared", "File prepared"),
            ("reopened", "Reopened"),
            ("na", "Not applicable"),
        ],
        default="todo",
        required=True,
    )
    body = fields.Selection(
        BODIES,
        compute="_compute_body",
        store=True,
        readonly=False,
        help="Who the right or the document is asked of.",
    )
    contact = fields.Char(
        help="The person to ask there: name, phone, e-mail.",
        groups="siao_justice.group_siao_user",
    )
    appointment_date = fields.Date(
        string="Appointment on",
        help="An activity reminds the referent of it on its day.",
    )
    appointment_activity_id = fields.Many2one(
        "mail.activity",
        string="Activity of the appointment",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    prepared_date = fields.Date(string="File prepared on")
    expected_reopening_date = fields.Date(string="Expected reopening")
    rule_date = fields.Date(
        string="Date set by the detention",
        compute="_compute_rule",
        help="The day a fixed rule changes this right because of the detention.",
    )
    rule = fields.Char(compute="_compute_rule")
    note = fields.Char()

    @api.depends("right_type")
    def _compute_body(self):
        for right in self:
            if not right.body:
                right.body = RIGHT_BODIES.get(right.right_type, False)

    @api.depends(
        "right_type",
        "detainee_id.incarceration_date",
        "detainee_id.company_id.siao_caf_detention_days",
    )
    def _compute_rule(self):
        for right in self:
            start = right.detainee_id.incarceration_date
            days = right.detainee_id.company_id.siao_caf_detention_days
            right.rule_date, right.rule = False, False
            if not start or right.right_type not in ("rsa", "aah"):
                continue
            # The last of the days in detention the rule counts, then the first
            # of the next month.
            last = start + timedelta(days=days - 1)
            right.rule_date = last.replace(day=1) + relativedelta(months=1)
            if right.right_type == "rsa":
                right.rule = _(
                    "CAF: the RSA stops from the month after %(days)s days in "
                    "detention; asked again from the release.",
                    days=days,
                )
            else:
                right.rule = _(
                    "CAF: the AAH is cut to 30%% from the month after %(days)s days "
                    "in detention; in full again from the release.",
                    days=days,
                )

    # ---- The appointment, an activity ----
    @api.model_create_multi
    def create(self, vals_list):
        rights = super().create(vals_list)
        rights.filtered("appointment_date")._plan_appointments()
        return rights

    def write(self, vals):
        result = super().write(vals)
        if "appointment_date" in vals:
            self._plan_appointments()
        if vals.get("status") in ("reopened", "na") or vals.get("active") is False:
            self._drop_appointments()
        return result

    def unlink(self):
        self._drop_appointments()
        return super().unlink()

    def _drop_appointments(self):
        """A line done, archived or deleted: its appointment asks nothing more."""
        activities = self.sudo().appointment_activity_id.exists()
        if activities:
            activities.unlink()
            self.invalidate_recordset(["appointment_activity_id"])

    def _plan_appointments(self):
        """The appointment of each line is an activity on the file for its
        referent, on its day: moved with it, gone when it is."""
        activity_type = self.env.ref("mail.mail_activity_data_meeting")
        model_id = self.env["ir.model"]._get_id("siao.detainee")
        for right in self.sudo():
            activity = right.appointment_activity_id
            if not right.appointment_date:
                if activity:
                    activity.unlink()
                continue
            person = right.detainee_id
            user = person.user_id or self.env.user
            env = self.with_context(lang=user.lang).env
            labels = dict(right._fields["right_type"]._description_selection(env))
            bodies = dict(right._fields["body"]._description_selection(env))
            summary = env._(
                "Appointment: %(right)s at %(body)s",
                right=labels.get(right.right_type, ""),
                body=bodies.get(right.body) or env._("the body"),
            )
            if activity:
                activity.write(
                    {"date_deadline": right.appointment_date, "summary": summary}
                )
                continue
            right.with_context(siao_not_a_contact=True).appointment_activity_id = (
                self.env["mail.activity"]
                .sudo()
                .with_context(mail_activity_quick_update=True)
                .create(
                    {
                        "res_model_id": model_id,
                        "res_id": person.id,
                        "activity_type_id": activity_type.id,
                        "summary": summary,
                        "date_deadline": right.appointment_date,
                        "user_id": user.id,
                    }
                )
            )
