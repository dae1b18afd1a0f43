"""The person's rights over their file (RGPD art. 13, 15, 17, 18, 21), for the
coordinators and the data-protection officer: all the data held, as a PDF in plain
French and a machine-readable archive (found from the registry); a file frozen
(limitation: read-only for everyone, out of the nightly jobs and the board, still
counted); a file anonymised now (erasure, objection), by the same anonymisation as
retention; the notice given to the person, and its date. Every act is logged."""

import base64
import io
import json
import os
import zipfile
from datetime import date, datetime

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .record_tools import is_person_record
from .siao_access_log import record_access
from .siao_consent import CONSENT_HOW, CONSENT_WAYS, MARK, RECORDED
from .siao_deadline_alert import DEADLINE_REASONS

# The context key of an act Privacy Lookup logs itself (with the MARK).
LOOKUP = "siao_logged_by_lookup"
# The context key of the access export's own rendering of the person's data.
EXPORTING = "siao_person_data_export"
# Who acts on a person's rights: the coordinators, and the data-protection officer
# (OCA's Data Protection Manager).
RIGHTS_GROUPS = (
    "siao_justice.group_siao_manager",
    "privacy.group_data_protection_manager",
)
# What a file's export never carries: the application's own bookkeeping.
EXPORT_SKIPPED = frozenset(
    {
        "id",
        "display_name",
        "create_uid",
        "write_uid",
        "message_ids",
        "message_follower_ids",
        "message_partner_ids",
        "activity_ids",
        "website_message_ids",
        "rating_ids",
        "access_token",
        "access_url",
        "access_warning",
        "sharing_group_id",
        "pseudonym",
        "merged_into_id",
        "duplicate_ids",
    }
)


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    frozen = fields.Boolean(
        string="Processing limited",
        readonly=True,
        copy=False,
        index=True,
        help="The person asked to limit the processing of their data (RGPD art. "
        "18): the file is read-only for everyone and out of the nightly jobs and "
        "the boards; it still counts in the figures.",
    )
    frozen_since = fields.Date(string="Limited since", readonly=True, copy=False)
    frozen_reason = fields.Char(string="Why it is limited", readonly=True, copy=False)
    notice_given_date = fields.Date(
        string="Notice given on",
        readonly=True,
        copy=False,
        tracking=True,
        help="The day the information notice (RGPD art. 13) was given to the "
        "person, with the first letter or at the first office hours.",
    )

    # ---- Consent as a record (art. 7) ----
    consent_ids = fields.One2many(
        "siao.consent", "detainee_id", string="Consents given and withdrawn"
    )

    @api.model_create_multi
    def create(self, vals_list):
        persons = super().create(vals_list)
        persons.filtered("consent_date")._record_consent()
        return persons

    def write(self, vals):
        recorded = self.env.context.get(RECORDED) is MARK
        if not {"consent_date", "consent_scope"} & set(vals) or recorded:
            return super().write(vals)
        before = {
            person: (person.consent_date, person.consent_scope) for person in self
        }
        result = super().write(vals)
        for person, (given, scope) in before.items():
            if (person.consent_date, person.consent_scope) == (given, scope):
                continue
            if person.consent_date and person.consent_scope:
                person._record_consent()
            elif scope:
                person._record_withdrawal()
        return result

    def _record_consent(self, how=None, document=None, document_name=None):
        self.env["siao.consent"].sudo().create(
            [
                {
                    "detainee_id": person.id,
                    "kind": "given",
                    "date": person.consent_date,
                    "scope": person.consent_scope,
                    "how": how or self.env.context.get(CONSENT_HOW) or "file",
                    "document": document,
                    "document_name": document_name,
                }
                for person in self
            ]
        )

    def _record_withdrawal(self, day=None, how=None, note=None):
        self.env["siao.consent"].sudo().create(
            [
                {
                    "detainee_id": person.id,
                    "kind": "withdrawn",
                    "date": day or person.company_id.siao_today(),
                    "how": how or self.env.context.get(CONSENT_HOW) or "file",
                    "note": note,
                }
                for person in self
            ]
        )

    def action_record_consent(
        self, date, scope, how, document=None, document_name=None
    ):
        """A consent given, with how (and the signed form): the file's consent in
        force from then on, kept in its consents."""
        date = fields.Date.to_date(date)
        if not date or not scope or how not in dict(CONSENT_WAYS):
            raise UserError(
                _("Give the date, the scope and how the consent was given.")
            )
        self.check_access("write")
        self.with_context(**{RECORDED: MARK}).write(
            {"consent_date": date, "consent_scope": scope}
        )
        self._record_consent(how=how, document=document, document_name=document_name)
        return True

    def action_withdraw_consent(self, date=None, how=None, note=None):
        """The person withdraws their consent: every share stops at once (the SPIP's
        readers, the portal, the names in the minutes) and the act stays in the
        file's history."""
        self.check_access("write")
        persons = self.filtered("consent_scope")
        if not persons:
            raise UserError(_("No consent in force to withdraw."))
        for person in persons:
            day = fields.Date.to_date(date) or person.company_id.siao_today()
            # Withdrawn even from a file whose processing is limited: it only
            # narrows what is done with it.
            person.sudo().with_context(**{RECORDED: MARK}).write(
                {"consent_date": False, "consent_scope": False}
            )
            person._record_withdrawal(day=day, how=how, note=note)
            person.sudo().message_post(
                body=_(
                    "Consent withdrawn on %(day)s: the file is shared with no one "
                    "beyond the SIAO any more.",
                    day=day.strftime("%d/%m/%Y"),
                ),
                message_type="notification",
            )
        return True

    # ---- Who read the file ----
    access_log_count = fields.Integer(
        string="Reads of the file",
        compute="_compute_access_log_count",
        groups="siao_justice.group_siao_manager,privacy.group_data_protection_manager",
    )

    def _compute_access_log_count(self):
        counts = dict(
            self.env["siao.access.log"]
            .sudo()
            ._read_group(
                [("detainee_id", "in", self.ids)], ["detainee_id"], ["__count"]
            )
        )
        for person in self:
            person.access_log_count = counts.get(person._origin, 0)

    def action_open_access_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_access_log_action"
        )
        action["domain"] = [("detainee_id", "=", self.id)]
        return action

    # ---- Who may ----
    def _check_rights_officer(self):
        """A coordinator or the data-protection officer, who reads these files."""
        user = self.env.user
        if not self.env.su and not any(user.has_group(g) for g in RIGHTS_GROUPS):
            raise AccessError(
                _(
                    "Only a coordinator or the data-protection officer acts on a "
                    "person's rights."
                )
            )
        self.check_access("read")

    # ---- Limitation (art. 18) ----
    def action_freeze(self, reason=None):
        self._check_rights_officer()
        if not (reason or "").strip():
            raise UserError(_("Say why the processing is limited."))
        for person in self.sudo():
            person.write(
                {
                    "frozen": True,
                    "frozen_since": person.company_id.siao_today(),
                    "frozen_reason": reason.strip(),
                }
            )
            person.with_context(siao_file_notice=True).message_post(
                body=_("Processing limited: %(reason)s", reason=reason.strip()),
                message_type="notification",
            )
        # Out of the deadline activities (their alerts archived, their activities
        # done with)...
        self.env["siao.deadline.alert"].sudo()._schedule(self.sudo())
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                (
                    "activity_type_id",
                    "in",
                    [self.env.ref(xmlid).id for xmlid in DEADLINE_REASONS.values()],
                ),
            ]
        ).unlink()
        # ... and the commissions to come (a closed one's minutes stay as they are).
        self.env["siao.commission.line"].sudo().search(
            [("detainee_id", "in", self.ids), ("meeting_state", "!=", "closed")]
        ).unlink()
        self._log_right(_("Processing limited"), reason)
        return True

    def action_unfreeze(self):
        self._check_rights_officer()
        self.sudo().write(
            {"frozen": False, "frozen_since": False, "frozen_reason": False}
        )
        for person in self.sudo():
            person.with_context(siao_file_notice=True).message_post(
                body=_("Processing no longer limited."), message_type="notification"
            )
        self._log_right(_("Limitation lifted"), "")
        return True

    # ---- Erasure, objection (art. 17, 21) ----
    def _support_under_way(self, requests=True):
        """What of the support is still open (a measure, a request unless
        ``requests`` is false, a place held)."""
        self.ensure_one()
        person = self.sudo()
        today = person.company_id.siao_today()
        open_support = []
        if person.avdl_measure_ids.filtered("is_open"):
            open_support.append(_("an AVDL measure"))
        if requests and person.request_ids.filtered("is_open"):
            open_support.append(_("a SIAO request"))
        if person.reservation_ids.filtered(
            lambda r: r.state == "confirmed" and (not r.date_to or r.date_to >= today)
        ):
            open_support.append(_("a place held"))
        return open_support

    def action_anonymise_now(self, reason=None, override_reason=None):
        """Anonymise these files now, with a reason (the person's erasure request
        or objection, decided by the data-protection officer), by the same
        anonymisation as retention. While support is open, an explicit
        ``override_reason`` is asked."""
        self._check_rights_officer()
        if not (reason or "").strip():
            raise UserError(_("Say why the file is anonymised before its time."))
        for person in self:
            under_way = person._support_under_way()
            if under_way and not (override_reason or "").strip():
                raise UserError(
                    _(
                        "Support is still under way (%(what)s): confirm with the "
                        "reason to anonymise the file nonetheless.",
                        what=", ".join(under_way),
                    )
                )
        details = reason.strip()
        if override_reason:
            details += " / " + _(
                "despite the support under way: %(reason)s",
                reason=override_reason.strip(),
            )
        self._log_right(_("Anonymised before its time"), details)
        # What is still open ends first (measures, requests, places held: the
        # place is free from today, the support having ended).
        for company, persons in self.sudo().grouped("company_id").items():
            today = company.siao_today()
            persons._end_follow_up(
                today,
                free_from=today,
                reason=_("Anonymised at the person's request"),
                measure_reason="other",
            )
        self.sudo()._anonymise()
        return True

    def _log_right(self, act, details):
        """An act on the person's rights in Odoo's privacy log (as Privacy Lookup
        logs its own), naming the file only by its anonymised name."""
        if self.env.context.get(LOOKUP) is MARK:
            return  # Privacy Lookup logs its own acts
        Log = self.env["privacy.log"].sudo()
        for person in self.sudo():
            Log.create(
                {
                    "anonymized_name": person.name or person.pseudonym,
                    "execution_details": f"{act}: siao.detainee #{person.id}",
                    "additional_note": details or False,
                }
            )

    # ---- The notice (art. 13) ----
    def action_record_notice_given(self, day=None):
        """The notice was given to the person (today by default)."""
        self.check_access("write")
        self._check_frozen([{}], creating=False)
        for person in self.sudo():
            person.notice_given_date = (
                fields.Date.to_date(day) or person.company_id.siao_today()
            )
        return True

    # ---- Access (art. 15) ----
    def action_export_person_data(self):
        """Everything the association holds about the person, for their access
        request: a PDF in plain French and one JSON file per kind of record (found
        from the registry: a model added later comes in), with the messages, their
        tracked values and the attachments; logged."""
        self.ensure_one()
        self._check_rights_officer()
        record_access(self.env, self.ids, "rights")
        content = self._person_data_archive()
        self._log_right(_("Access request answered"), "")
        wizard = self.env["siao.person.data.export"].create(
            {
                "detainee_id": self.id,
                "file_data": base64.b64encode(content),
                "file_name": f"donnees-{self.sudo().pseudonym[:8]}.zip",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/siao.person.data.export/{wizard.id}/file_data"
            # The type is given: guessing it from the first bytes of a zip fails.
            f"/{wizard.file_name}?download=true&mimetype=application/zip",
            "target": "self",
        }

    def _person_data(self):
        """[(kind label, model, {field: label}, [{field: value}])] of the person and
        of every record of theirs, then their messages (with their tracked values)
        and attachments; and the attachments."""
        self.ensure_one()
        person = self.sudo().with_context(active_test=False)
        owned = {"siao.detainee": person, **person._owned_records()}
        _ = self.env._
        sections = []
        for model, records in owned.items():
            if not records or records._transient:
                continue
            rows = [export_values(record, person) for record in records]
            labels = {name: label for name, (label, _v) in rows[0].items()}
            sections.append(
                (
                    self.env["ir.model"]._get(model).name,
                    model,
                    labels,
                    [
                        {name: value for name, (_l, value) in row.items()}
                        for row in rows
                    ],
                )
            )
        messages, attachments = self._messages_and_attachments(owned)
        sections.append(
            (
                _("Messages and notes"),
                "mail.message",
                {
                    "date": _("Date"),
                    "author": _("Author"),
                    "subject": _("Subject"),
                    "body": _("Text"),
                    "changes": _("Changes"),
                },
                [
                    {
                        "date": message.date,
                        "author": message.author_id.name or "",
                        "subject": message.subject or "",
                        "body": Markup(message.body or "").striptags(),
                        "changes": "; ".join(
                            f"{t['changedField']}: {t['oldValue']['value'] or ''} → "
                            f"{t['newValue']['value'] or ''}"
                            for t in message.tracking_value_ids._tracking_value_format()
                        ),
                    }
                    for message in messages.sorted("date")
                ],
            )
        )
        sections.append(
            (
                _("Attachments"),
                "ir.attachment",
                {"name": _("Name"), "type": _("Type"), "size": _("Size")},
                [
                    {
                        "name": attachment.name,
                        "type": attachment.mimetype or "",
                        "size": attachment.file_size,
                    }
                    for attachment in attachments
                ],
            )
        )
        return sections, attachments

    def _messages_and_attachments(self, owned):
        """The messages and the attachments of these records ({model: records})."""
        messages = self.env["mail.message"].sudo()
        attachments = self.env["ir.attachment"].sudo()
        for model, records in owned.items():
            if not records:
                continue
            messages |= messages.search(
                [("model", "=", model), ("res_id", "in", records.ids)]
            )
            attachments |= attachments.search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", records.ids),
                    "|",
                    ("res_field", "=", False),
                    ("res_field", "!=", False),
                ]
            )
        return messages, attachments

    def _person_data_archive(self):
        sections, attachments = self._person_data()
        # A PDF (a server run with its tests renders the HTML).
        document, kind = (
            self.env["ir.actions.report"]
            .with_context(**{EXPORTING: MARK})
            ._render_qweb_pdf("siao_justice.action_report_person_data", self.ids)
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"donnees.{kind}", document)
            for _label, model, _labels, rows in sections:
                archive.writestr(
                    f"{model}.json",
                    json.dumps(rows, ensure_ascii=False, indent=2, default=_json_value),
                )
            for attachment in attachments:
                if attachment.raw:
                    # Its name, never a path.
                    name = os.path.basename((attachment.name or "").replace("\\", "/"))
                    archive.writestr(
                        f"pieces-jointes/{attachment.id}-{name or 'fichier'}",
                        attachment.raw,
                    )
        return buffer.getvalue()


def _json_value(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def export_values(record, person):
    """How a record reads in ``person``'s access export: {field: (label, value)} of
    each stored field, a relation by its name, never another person's (a record of
    another file is named as such)."""
    env = record.env
    values = {}
    for name, field in record._fields.items():
        if (
            name in EXPORT_SKIPPED
            or not field.store
            or field.type in ("binary", "one2many")
            or name.startswith(("message_", "activity_"))
        ):
            continue
        value = record[name]
        if field.type in ("many2one", "many2many"):
            names = []
            for other in value:
                theirs = other._persons_read() if is_person_record(other) else None
                if theirs is not None and theirs - person:
                    names.append(env._("Another file"))
                else:
                    names.append(other.display_name)
            value = ", ".join(filter(None, names))
        elif field.type == "selection":
            value = dict(field._description_selection(env)).get(value, "")
        elif field.type == "html":
            value = Markup(value or "").striptags()
        label = field._description_string(env)
        values[name] = (label, value if value not in (False, None) else "")
    return values
