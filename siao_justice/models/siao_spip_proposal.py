"""What comes from the SPIP through the portal is a proposal: a referral (the liaison
form) or a row of a release list never changes a file. Each is held here for the
coordinators, who see it beside the file it may be and accept or refuse it. The
officer's answer is the same whether that file is one they see, one they may not
see, or none. The one thing an officer changes directly is the expected release
date of a person they follow on the portal, under their name in the file's chatter.
"""

import csv
import io
from datetime import datetime

from markupsafe import Markup

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .siao_detainee import LEGAL_STATUSES, SPIP_CONSENT_SCOPES, SUPERVISION_TYPES
from .siao_detainee_import import MOVE_FIELDS, SUPERVISION_FIELDS
from .siao_rules import identity_text, normalise_text

# A release list: a CSV file of at most this size and this many rows (a large
# prison's whole list fits), of which at most this many rows may become proposals
# (and at most siao_spip_access.PROPOSALS_PER_DAY a day for one officer).
LIST_MAX_BYTES = 5 * 2**20
LIST_MAX_ROWS = 5000
PROPOSALS_PER_UPLOAD = 500
# A cell of a list or a field of the form: no longer than this, with no control
# character, and never starting as a spreadsheet formula does.
CELL_MAX_CHARS = 200
NEEDS_MAX_CHARS = 2000
FORMULA_STARTS = ("=", "+", "-", "@")
# The columns of the sample list (static/import/liste_spip_exemple.csv): a list
# may fill these values of a file, nothing else.
LIST_FIELDS = (
    "last_name",
    "first_name",
    "birthdate",
    "prison_id",
    "prison_number",
    "legal_status",
    "incarceration_date",
    "sentence_end_date",
    "expected_release_date",
    # A milieu-ouvert list: the measure outside prison and its dates.
    *SUPERVISION_FIELDS,
)
# What the liaison form fills.
REFERRAL_FIELDS = (
    "last_name",
    "first_name",
    "birthdate",
    "prison_id",
    "prison_number",
    "legal_status",
    "incarceration_date",
    "expected_release_date",
    "sentence_months",
    "supervision_type",
    "supervision_end_date",
)
# The headers a list's columns may have (the sample list's and their usual
# variants, as the back office's import maps them: data/base_import_mapping_data.xml),
# kept here: the records of that mapping are Odoo's, which any user may change.
LIST_HEADERS = {
    "nom": "last_name",
    "nom de naissance": "last_name",
    "prenom": "first_name",
    "prenoms": "first_name",
    "date de naissance": "birthdate",
    "ne e le": "birthdate",
    "etablissement": "prison_id",
    "etablissement penitentiaire": "prison_id",
    "numero d ecrou": "prison_number",
    "n d ecrou": "prison_number",
    "n ecrou": "prison_number",
    "ecrou": "prison_number",
    "situation penale": "legal_status",
    "date d ecrou": "incarceration_date",
    "date d incarceration": "incarceration_date",
    "fin de peine": "sentence_end_date",
    "date de fin de peine": "sentence_end_date",
    "date de liberation previsible": "expected_release_date",
    "date de sortie previsible": "expected_release_date",
    "dlp": "expected_release_date",
    "mesure": "supervision_type",
    "type de mesure": "supervision_type",
    "debut de mesure": "supervision_start_date",
    "date de debut de mesure": "supervision_start_date",
    "fin de mesure": "supervision_end_date",
    "date de fin de mesure": "supervision_end_date",
}
PROPOSED_FIELDS = (*LIST_FIELDS, "sentence_months")
IDENTITY_FIELDS = ("last_name", "first_name", "birthdate")
DATE_FIELDS = (
    "birthdate",
    "incarceration_date",
    "sentence_end_date",
    "expected_release_date",
    "supervision_start_date",
    "supervision_end_date",
)
LIST_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def hostile_text_problem(env, value, limit=CELL_MAX_CHARS):
    """Why a text from outside may not be kept as it is, or None: a control
    character, a start a spreadsheet reads as a formula, or too long."""
    if any(ord(char) < 32 and char not in "\n\t" for char in value):
        return env._("it contains a control character.")
    if value.lstrip().startswith(FORMULA_STARTS):
        return env._("it may not start with =, +, - or @.")
    if len(value) > limit:
        return env._("it is longer than %(limit)s characters.", limit=limit)
    return None


class SiaoSpipProposal(models.Model):
    _name = "siao.spip.proposal"
    _description = "Proposal from the SPIP"
    _inherit = ["mail.thread", "mail.activity.mixin", "siao.person.record"]
    _order = "id desc"
    # A file the proposal only names (another identity with its prison number) is
    # not the proposal's person: the proposal is no record of that file.
    _siao_not_owning = ("number_elsewhere_id",)
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("referral", "Referral"), ("list_row", "Row of a release list")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("pending", "To review"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    access_id = fields.Many2one(
        "siao.spip.access", string="From", required=True, readonly=True, index=True
    )
    officer_id = fields.Many2one(
        related="access_id.partner_id", string="SPIP staff member", store=True
    )
    spip_id = fields.Many2one(related="access_id.spip_id", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    upload = fields.Char(string="List", readonly=True, help="The file the row came in.")
    row_number = fields.Integer(string="Row", readonly=True)
    # The values proposed (what is left empty changes nothing).
    last_name = fields.Char()
    first_name = fields.Char()
    birthdate = fields.Date(string="Birth date")
    prison_id = fields.Many2one(
        "res.partner",
        string="Prison",
        domain="[('siao_partner_type', '=', 'prison')]",
    )
    prison_number = fields.Char(string="Prison number")
    legal_status = fields.Selection(LEGAL_STATUSES)
    incarceration_date = fields.Date()
    sentence_end_date = fields.Date(string="End of sentence")
    expected_release_date = fields.Date(string="Expected release date")
    sentence_months = fields.Integer(string="Sentence (months)")
    consent_date = fields.Date(string="Consent given on")
    consent_scope = fields.Selection(
        lambda self: self.env["siao.detainee"]._fields["consent_scope"].selection,
        string="Consent covers",
    )
    needs = fields.Text(string="Needs and constraints for housing")
    supervision_type = fields.Selection(SUPERVISION_TYPES, string="Court supervision")
    supervision_start_date = fields.Date(string="Start of the supervision")
    supervision_end_date = fields.Date(string="End of the supervision")
    # The file it may be: found as the import and the duplicate banner find one,
    # as the superuser; the coordinators change it as they see fit.
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="File",
        index=True,
        ondelete="set null",
        check_company=True,
        help="The file this proposal is about; empty: a new file is created when "
        "it is accepted.",
    )
    file_last_name = fields.Char(
        related="detainee_id.last_name", string="Name in the file"
    )
    file_first_name = fields.Char(
        related="detainee_id.first_name", string="First name in the file"
    )
    file_birthdate = fields.Date(
        related="detainee_id.birthdate", string="Birth date in the file"
    )
    file_prison_id = fields.Many2one(
        related="detainee_id.prison_id", string="Prison in the file"
    )
    file_prison_number = fields.Char(
        related="detainee_id.prison_number", string="Prison number in the file"
    )
    file_expected_release_date = fields.Date(
        related="detainee_id.expected_release_date",
        string="Expected release in the file",
    )
    number_elsewhere_id = fields.Many2one(
        "siao.detainee",
        string="File with this prison number",
        readonly=True,
        help="Another identity holds the prison number sent: the coordinators "
        "check which file is the person's before accepting.",
    )
    apply_identity = fields.Boolean(
        string="Correct the file's identity",
        help="Accepted, the name and birth date sent replace the file's (left "
        "unticked, the file keeps its identity).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Referent of a new file",
        domain="[('share', '=', False)]",
        help="The social worker who follows the person if a new file is created.",
    )
    decision_note = fields.Text(string="Coordinators' note", tracking=True)

    @api.depends("kind", "last_name", "first_name", "row_number")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for proposal in self:
            person = " ".join(filter(None, (proposal.last_name, proposal.first_name)))
            proposal.name = " – ".join(
                filter(None, (kinds.get(proposal.kind), person.upper() or None))
            )

    # ---- From the portal ----
    @api.model
    def _propose_release_list(self, user, content, file_name):
        """An officer's release list: every row checked (a wrong row refuses the
        whole list, naming its number), then each row either updates the
        expected release date of a person the portal shows the officer (the same
        prison number and identity) or becomes a proposal for the coordinators.
        Returns {"rows", "updated", "unchanged", "proposed", "errors"}: nothing in
        it depends on a file the officer may not see."""
        access = self.env["siao.spip.access"]._access_of(user)
        if not access:
            raise AccessError(_("Only SPIP staff with a portal account may import."))
        problem = hostile_text_problem(self.env, file_name or "")
        if problem:
            raise UserError(
                _("The file's name is refused: %(problem)s", problem=problem)
            )
        rows = self._read_list(content, file_name)
        values, errors = self._list_values(access, rows)
        if errors:
            return {"rows": len(rows), "errors": errors}
        Person = self.env["siao.detainee"].sudo().with_context(active_test=False)
        followed = Person.search(Person._portal_domain(user))
        by_number = {person._prison_key(): person for person in followed}
        updates, proposals, unchanged = [], [], 0
        for index, row in enumerate(values):
            # A row of a milieu-ouvert list (no establishment) is a proposal.
            person = row.get("prison_id") and by_number.get(
                (row["prison_id"], row.get("prison_number"))
            )
            if person and self._same_identity(person, row):
                date = row.get("expected_release_date")
                if date and date != person.expected_release_date:
                    problem = self._date_problem(person, date)
                    if problem:
                        errors.append(
                            _(
                                "Row %(row)s: %(message)s",
                                row=index + 1,
                                message=problem,
                            )
                        )
                    updates.append((person, date))
                rest = {
                    name: value
                    for name, value in row.items()
                    if name
                    not in (
                        "expected_release_date",
                        "prison_id",
                        "prison_number",
                        *IDENTITY_FIELDS,
                    )
                    and value
                    and value != person[name]
                }
                if rest:
                    proposals.append(dict(rest, row_number=index + 1, person=person))
                elif not (date and date != person.expected_release_date):
                    unchanged += 1
            else:
                proposals.append(dict(row, row_number=index + 1))
        if errors:
            return {"rows": len(rows), "errors": errors}
        if len(proposals) > PROPOSALS_PER_UPLOAD:
            raise UserError(
                _(
                    "This list would send the SIAO more than %(limit)s rows to "
                    "review: send it to the SIAO, who will import it.",
                    limit=PROPOSALS_PER_UPLOAD,
                )
            )
        access._count_proposals(len(proposals))
        for person, date in updates:
            # Under the officer's name in the file's chatter (tracked).
            person.with_user(user).sudo().write({"expected_release_date": date})
        created = self._create_proposals(access, "list_row", proposals, file_name)
        created._tell_coordinators(access)
        return {
            "rows": len(rows),
            "updated": len(updates),
            "unchanged": unchanged,
            "proposed": len(created),
            "errors": [],
        }

    @api.model
    def _date_problem(self, person, date):
        """Why ``date`` cannot be ``person``'s expected release date, or None: the
        file's own rules (before the incarceration, after the end of sentence)."""
        probe = person.new({"expected_release_date": date}, origin=person)
        try:
            probe._validate_fields(["expected_release_date"])
        except ValidationError as error:
            return error.args[0]
        return None

    @api.model
    def _propose_referral(self, user, post):
        """An officer's referral (the liaison form), as a proposal: checked first
        (a wrong value is refused alike whoever the person is), then held for the
        coordinators. The officer's answer is always the same."""
        access = self.env["siao.spip.access"]._access_of(user)
        if not access:
            raise AccessError(_("Only SPIP staff with a portal account may refer."))
        values = self._referral_values(access, post)
        access._count_proposals(1)
        proposal = self._create_proposals(access, "referral", [values])
        proposal._tell_coordinators(access)
        return proposal

    # ---- Reading what the officer sends ----
    @api.model
    def _read_list(self, content, file_name):
        """The rows of a CSV list as {field: text}, its columns those of the sample
        list; refused whole (a clear error) when it is not one."""
        if not content:
            raise UserError(_("Choose the list to upload (a CSV file)."))
        if len(content) > LIST_MAX_BYTES:
            raise UserError(self._too_large_message())
        not_csv = UserError(
            _(
                "Only a CSV list is accepted (a text file with columns "
                "separated by semicolons, as the sample list)."
            )
        )
        if not (file_name or "").lower().endswith(".csv") or b"\x00" in content:
            raise not_csv
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")  # the spreadsheets'
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        first_line = text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first_line.count)
        try:
            table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            raise not_csv from None
        headers, *lines = table or [[]]
        columns = self._list_columns(headers)
        rows = []
        for cells in lines:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= LIST_MAX_ROWS:
                raise UserError(
                    _(
                        "The list has more than %(limit)s rows: split it, or send "
                        "it to the SIAO.",
                        limit=LIST_MAX_ROWS,
                    )
                )
            rows.append(
                {
                    name: cells[index].strip() if index < len(cells) else ""
                    for index, name in enumerate(columns)
                    if name
                }
            )
        return rows

    @api.model
    def _too_large_message(self):
        return _(
            "The list is larger than %(size)s MB: split it, or send it to the SIAO.",
            size=LIST_MAX_BYTES // 2**20,
        )

    @api.model
    def _list_columns(self, headers):
        """The field of each column, read as the back office's import reads the
        sample list's French headers; refused when a column is another one."""
        columns = [LIST_HEADERS.get(normalise_text(header)) for header in headers]
        named = [name for name in columns if name]
        if (
            "last_name" not in named
            or ("prison_id" not in named and "supervision_type" not in named)
            or not set(named) <= set(LIST_FIELDS)
            or len(named) != len(set(named))
            or len(named) != len([header for header in headers if header.strip()])
        ):
            raise UserError(
                _(
                    "The list's columns are not those of the sample SPIP list "
                    "(Nom, Prénom, Date de naissance, Établissement, Numéro "
                    "d'écrou...)."
                )
            )
        return columns

    @api.model
    def _list_values(self, access, rows):
        """The values of each row, and an error per wrong row (named by its number
        in the list, as the officer counts them)."""
        values, errors = [], []
        seen_numbers, seen_identities = {}, {}
        for index, row in enumerate(rows):
            try:
                row_values = self._checked_values(
                    access, self._row_values(row, self._prisons(access))
                )
            except (UserError, ValidationError) as error:
                errors.append(
                    _("Row %(row)s: %(message)s", row=index + 1, message=error.args[0])
                )
                continue
            number = (row_values.get("prison_id"), row_values.get("prison_number"))
            identity = self._identity(row_values)
            for key, seen, message in (
                (
                    number if number[1] else None,
                    seen_numbers,
                    _(
                        "Row %(row)s: this prison number is already on row "
                        "%(first)s of the list: keep one row per person."
                    ),
                ),
                (
                    identity,
                    seen_identities,
                    _(
                        "Row %(row)s: this person is already on row %(first)s of "
                        "the list: keep one row per person."
                    ),
                ),
            ):
                if key and key in seen:
                    errors.append(message % {"row": index + 1, "first": seen[key]})
                elif key:
                    seen[key] = index + 1
            values.append(row_values)
        return values, errors

    @api.model
    def _row_values(self, texts, prisons):
        """A list's row, {field: text}, as a file's values (an establishment named
        among ``prisons``); a clear error for a cell that is hostile or not of its
        field's kind."""
        values = {}
        for name, text in texts.items():
            field = self.env["siao.detainee"]._fields[name]
            self._check_text(field, text)
            values[name] = self._parse(field, text, prisons)
        return values

    @api.model
    def _check_text(self, field, text, limit=CELL_MAX_CHARS):
        problem = text and hostile_text_problem(self.env, text, limit)
        if problem:
            raise UserError(
                _(
                    "the %(field)s is refused: %(problem)s",
                    field=field._description_string(self.env),
                    problem=problem,
                )
            )

    @api.model
    def _checked_values(self, access, values):
        """The values sent, checked as the back office checks a file's values,
        before any file is looked for (a wrong value is refused alike, whoever
        the person is): the establishment one of the officer's company's."""
        values = {name: value for name, value in values.items() if value}
        if not values.get("last_name"):
            raise UserError(_("Give the person's last name."))
        # A person supervised outside prison may have no establishment.
        if values.get("prison_id") not in self._prisons(access).ids and not (
            values.get("supervision_type") and not values.get("prison_id")
        ):
            raise UserError(_("Choose an establishment of the SIAO."))
        Person = (
            self.env["siao.detainee"]
            .with_user(SUPERUSER_ID)
            .with_company(access.company_id)
        )
        probe_values = dict(values, company_id=access.company_id.id)
        Person._check_input([probe_values], creating=True)
        Person.new(probe_values)._validate_fields(probe_values)
        return values

    @api.model
    def _parse(self, field, text, prisons):
        """One cell as the field's value (False when empty); a clear error else."""
        if not text:
            return False
        label = field._description_string(self.env)
        if field.type == "date":
            for date_format in LIST_DATE_FORMATS:
                try:
                    return datetime.strptime(text, date_format).date()
                except ValueError:
                    continue
            raise UserError(
                _("“%(value)s” is not a date (%(field)s).", value=text, field=label)
            )
        if field.type == "selection":
            wanted = normalise_text(text)
            for key, name in self._selection_labels(field):
                if wanted in (normalise_text(key), normalise_text(name)):
                    return key
            raise UserError(
                _("“%(value)s” is not a %(field)s.", value=text, field=label)
            )
        if field.type == "integer":
            if not (text.isascii() and text.isdigit()):
                raise UserError(
                    _(
                        "“%(value)s” is not a number (%(field)s).",
                        value=text,
                        field=label,
                    )
                )
            return int(text)
        if field.type == "many2one":  # the establishment, by its name
            wanted = normalise_text(text)
            prison = prisons.filtered(lambda p: normalise_text(p.name) == wanted)[:1]
            if not prison:
                raise UserError(
                    _("“%(value)s” is not an establishment of the SIAO.", value=text)
                )
            return prison.id
        return text

    def _selection_labels(self, field):
        """A selection's (key, label) pairs, in French and in English (as far as
        they are installed)."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        pairs = []
        for lang in ("fr_FR", "en_US"):
            if lang in installed:
                pairs += field._description_selection(self.with_context(lang=lang).env)
        return pairs

    @api.model
    def _prisons(self, access):
        """The establishments an officer may name: those of their company (or of
        every company); the form's list and the checks read the same."""
        return (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("siao_partner_type", "=", "prison"),
                    ("company_id", "in", (False, access.company_id.id)),
                ],
                order="name",
            )
        )

    @api.model
    def _referral_values(self, access, post):
        """The liaison form's values, checked as a list's row is, and the consent
        the referral must carry."""
        texts = {
            name: (post.get(name) or "").strip()
            for name in (*REFERRAL_FIELDS, "consent_date")
            if name != "prison_id"
        }
        values = self._row_values(texts, self._prisons(access))
        prison = (post.get("prison_id") or "").strip()
        values["prison_id"] = (
            int(prison) if prison.isascii() and prison.isdigit() else False
        )
        consent, scope = values.pop("consent_date"), post.get("consent_scope")
        if not consent or scope not in SPIP_CONSENT_SCOPES:
            raise UserError(
                _(
                    "Give the date of the person's consent and its scope (SIAO and "
                    "SPIP, or SIAO, SPIP and host structures)."
                )
            )
        values = self._checked_values(
            access, dict(values, consent_date=consent, consent_scope=scope)
        )
        needs = (post.get("needs") or "").replace("\r\n", "\n").replace("\r", "\n")
        needs = needs.strip()
        self._check_text(self._fields["needs"], needs, NEEDS_MAX_CHARS)
        values["needs"] = needs or False
        return values

    @staticmethod
    def _identity(values):
        if not values.get("last_name"):
            return None
        return (
            identity_text(values.get("last_name")),
            identity_text(values.get("first_name")),
            values.get("birthdate") or None,
        )

    @staticmethod
    def _same_identity(person, values):
        """The row names the person as their file does (a birth date left empty
        on the row agrees with any)."""
        return (
            identity_text(person.last_name) == identity_text(values.get("last_name"))
            and identity_text(person.first_name)
            == identity_text(values.get("first_name"))
            and (not values.get("birthdate") or values["birthdate"] == person.birthdate)
        )

    # ---- Held for the coordinators ----
    @api.model
    def _create_proposals(self, access, kind, rows, upload=None):
        """The proposals, with the file each may be (found as the superuser, told to
        no one but the coordinators)."""
        Person = (
            self.env["siao.detainee"]
            .with_user(SUPERUSER_ID)
            .with_company(access.company_id)
        )
        vals_list = []
        for row in rows:
            row = dict(row)
            person = row.pop("person", None)
            if person is None:
                probe = Person.new(
                    {
                        name: row[name]
                        for name in (*IDENTITY_FIELDS, "prison_id", "prison_number")
                        if row.get(name)
                    }
                    | {"company_id": access.company_id.id}
                )
                person, number_taken = Person._referral_match(probe)
                key = probe._prison_key()
                elsewhere = (
                    probe.duplicate_ids._origin.filtered(
                        lambda p, key=key: p._prison_key() == key
                    )[:1]
                    if number_taken
                    else Person.browse()
                )
            else:
                elsewhere = Person.browse()
            vals_list.append(
                dict(
                    row,
                    kind=kind,
                    access_id=access.id,
                    company_id=access.company_id.id,
                    upload=upload or False,
                    detainee_id=person.id or False,
                    number_elsewhere_id=elsewhere.id or False,
                )
            )
        return (
            self.with_user(SUPERUSER_ID)
            .with_context(mail_create_nosubscribe=True, tracking_disable=True)
            .create(vals_list)
            .with_env(self.env)
        )

    def _tell_coordinators(self, access):
        """One activity per coordinator of the company for what was just sent."""
        if not self:
            return
        first = self.sudo()[:1]
        summary = (
            _(
                "%(count)s rows of a SPIP release list from %(officer)s to review",
                count=len(self),
                officer=access.partner_id.name,
            )
            if first.kind == "list_row"
            else _(
                "A referral from %(officer)s to review", officer=access.partner_id.name
            )
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        for coordinator in self.env["siao.detainee"]._coordinators(access.company_id):
            first.activity_schedule(
                activity_type_id=todo.id, user_id=coordinator.id, summary=summary
            )

    # ---- The coordinators' decision ----
    def action_accept(self):
        """Accept: the file (the one chosen, or a new one) takes the values
        proposed; a move of prison is a transfer (detained) or a new stay; a
        referral makes the officer the file's SPIP referent, records the consent
        and opens a draft SIAO request prescribed by the SPIP."""
        for proposal in self:
            if proposal.state != "pending":
                raise UserError(_("This proposal was already decided."))
            proposal.check_access("write")
            person = proposal._apply()
            proposal.detainee_id = person
            proposal.sudo().write({"state": "accepted"})
            person.message_post(
                body=_(
                    "Accepted from a proposal of %(officer)s (%(spip)s).",
                    officer=proposal.officer_id.name,
                    spip=proposal.spip_id.name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_refuse(self):
        if any(proposal.state != "pending" for proposal in self):
            raise UserError(_("This proposal was already decided."))
        self.check_access("write")
        self.sudo().write({"state": "refused"})
        return True

    def _values(self):
        return {
            name: self[name].id if name == "prison_id" else self[name]
            for name in PROPOSED_FIELDS
            if self[name]
        }

    def _apply(self):
        self.ensure_one()
        values = self._values()
        person = self.detainee_id
        officer = self.access_id.partner_id
        if not person:
            Person = self.env["siao.detainee"]
            person = Person.create(
                Person._supervised_create_values(
                    dict(
                        values,
                        company_id=self.company_id.id,
                        spip_referent_id=officer.id,
                        user_id=(self.user_id or self.env.user).id,
                        **self._consent(),
                    )
                )
            )
        else:
            supervision = {
                name: values.pop(name) for name in SUPERVISION_FIELDS if name in values
            }
            if not self.apply_identity:
                values = {
                    name: value
                    for name, value in values.items()
                    if name not in IDENTITY_FIELDS
                }
            changed = {
                name: value
                for name, value in values.items()
                if value != person._fields[name].convert_to_write(person[name], person)
            }
            if {"prison_id", "prison_number"} & set(changed):
                moved = {
                    name: changed.pop(name) for name in MOVE_FIELDS if name in changed
                }
                moved.setdefault("prison_id", person.prison_id.id)
                changed |= person._import_move(moved)
            if self.kind == "referral":
                changed |= dict(self._consent(), spip_referent_id=officer.id)
            elif not person.spip_referent_id:
                changed["spip_referent_id"] = officer.id
            if changed:
                person.write(changed)
            person._apply_supervision(supervision)
        if self.kind == "referral":
            self._open_request(person)
            if self.needs:
                person.message_post(
                    body=Markup("<p>%s</p>")
                    % _(
                        "Needs and constraints for housing: %(needs)s", needs=self.needs
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
        return person

    def _consent(self):
        if not self.consent_date:
            return {}
        return {"consent_date": self.consent_date, "consent_scope": self.consent_scope}

    def _open_request(self, person):
        """A draft SIAO request prescribed by the SPIP, unless one is under way."""
        if person.request_ids.filtered("is_open"):
            return
        # Not a contact with the person: retention's clock does not move.
        self.env["siao.request"].with_context(
            mail_create_nosubscribe=True, siao_not_a_contact=True
        ).create(
            {
                "detainee_id": person.id,
                "prescriber_type": "spip",
                "user_id": person.user_id.id or self.env.user.id,
            }
        )
