"""Duplicate files: the warning shown while a file is typed (same name and birth date,
or same prison number in the same prison), and the coordinators' merge of two files
or more into one, with everything of theirs."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from .record_tools import wizard_action
from .siao_rules import normalise_text

# Values of the merged files that are never copied into the file kept.
# What a file merged as another stay of the person does not bring: its stay
# (siao_detainee.STAY_FIELDS, added on the model), its release and the consent given
# then (asked again for each stay).
PER_STAY_FIELDS = {
    "consent_date",
    "consent_scope",
    "closing_reason",
    "supervision_type",
    "supervision_start_date",
    "supervision_end_date",
    "release_way",
    "current_stay_id",
}
MERGE_KEEP_FIELDS = {
    "id",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "active",
    "company_id",
    "pseudonym",
    "state",
    "anonymised",
    "retention_postponed_until",
    "retention_postpone_reason",
    "last_contact_date",
    "merged_into_id",
    "handed_over",
}


# The records of a merged file that the merge moves by its own rules (a stay shared
# with this file stays, one case per commission, one alert per reason, one line per
# right); every other record pointing at the file simply comes along.
MERGED_APART = frozenset(
    (
        "siao.detainee.stay",
        "siao.commission.line",
        "siao.deadline.alert",
        "siao.resource.right",
        "siao.spip.exchange",
        # A handover stays with the file it moved (its day dates that file's past).
        "siao.file.handover",
    )
)


# What a line more advanced brings to the line it replaces, where that one has none.
MERGED_RIGHT_FIELDS = ("body", "contact", "appointment_date")


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    # ==== Duplicate ====
    # Duplicate files: the warning shown while a file is typed, the database guarantee
    # on prison numbers, and the coordinators' merge of two files or more into one.

    duplicate_ids = fields.Many2many(
        "siao.detainee",
        relation="siao_detainee_duplicate_rel",
        column1="detainee_id",
        column2="duplicate_id",
        string="Possible duplicates",
        compute="_compute_duplicate_ids",
        help="Other files of the company with the same name and birth date, or the "
        "same prison number in the same prison.",
    )

    # ---- Duplicates ----
    def _identity_key(self):
        if not (self.birthdate and normalise_text(self.last_name)):
            return None
        return (
            normalise_text(self.last_name),
            normalise_text(self.first_name),
            self.birthdate,
        )

    def _prison_key(self):
        number = (self.prison_number or "").strip()
        return (self.prison_id.id, number) if self.prison_id and number else None

    @api.depends(
        "last_name",
        "first_name",
        "birthdate",
        "prison_id",
        "prison_number",
        "company_id",
    )
    def _compute_duplicate_ids(self):
        identities = {p._identity_key() for p in self} - {None}
        prison_keys = {p._prison_key() for p in self} - {None}
        domains = []
        if identities:
            domains.append([("birthdate", "in", [key[2] for key in identities])])
        if prison_keys:
            domains.append(
                [
                    ("prison_id", "in", [key[0] for key in prison_keys]),
                    ("prison_number", "in", [key[1] for key in prison_keys]),
                ]
            )
        candidates = (
            self.search(
                expression.AND(
                    [
                        [("company_id", "in", self.company_id.ids)],
                        expression.OR(domains),
                    ]
                )
            )
            if domains
            else self.browse()
        )
        for person in self:
            identity, prison_key = person._identity_key(), person._prison_key()
            person.duplicate_ids = candidates.filtered(
                lambda other,
                person=person,
                identity=identity,
                prison_key=prison_key: other != person._origin
                and other.company_id == person.company_id
                and (
                    (identity and other._identity_key() == identity)
                    or (prison_key and other._prison_key() == prison_key)
                )
            )

    # ---- Merge ----
    def action_open_merge_wizard(self):
        return wizard_action(
            self.env,
            "siao.detainee.merge",
            detainee_ids=[fields.Command.set((self | self.duplicate_ids).ids)],
            target_id=(self | self.duplicate_ids).sorted("id")[:1].id,
        )

    def _merge_files(self, sources):
        """Merge ``sources`` into this file: their requests, measures, places,
        checklist, alerts, commission cases, messages, files, activities and
        followers come here, empty fields are filled from them, and they are
        archived. Coordinators only."""
        self.ensure_one()
        target = self
        if not self.env.user.has_group("siao_justice.group_siao_manager"):
            raise AccessError(_("Only coordinators can merge files."))
        sources = sources - target
        if not sources:
            raise UserError(_("Choose at least two files to merge."))
        files = target | sources
        files.check_access("write")
        # Two coordinators merging the same files at once: the second one waits.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM siao_detainee WHERE id = ANY(%s) FOR UPDATE",
                files.ids,
            )
        )
        if len(files.company_id) > 1:
            raise UserError(_("Files of different companies cannot be merged."))
        if not all(files.mapped("active")) or any(files.mapped("anonymised")):
            raise UserError(
                _("Archived or anonymised files cannot be merged: restore them first.")
            )
        # One open request, one open measure per person: PostgreSQL refuses a merge
        # that would give the file kept two (the whole merge is then undone).
        values = target._merge_values(sources)
        target._merge_history(sources)
        # The rules' own fields (the link to the file kept, the last contact) are
        # written as superuser: the caller's right to change the files was checked.
        sources.sudo().with_context(siao_file_notice=True).write(
            {"active": False, "merged_into_id": target.id}
        )
        sources.flush_recordset(["active"])  # frees their prison numbers first
        target.sudo().write(values)
        for source in sources.with_context(siao_file_notice=True):
            source.message_post(
                body=_(
                    "File merged into %(target)s by %(user)s and archived: its history "
                    "continues there.",
                    target=target.name,
                    user=self.env.user.name,
                )
            )
        target.with_context(siao_file_notice=True).message_post(
            body=_(
                "Files merged into this one by %(user)s: %(files)s (archived).",
                user=self.env.user.name,
                files=", ".join(f"{source.name} (#{source.id})" for source in sources),
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": target.id,
            "view_mode": "form",
            "target": "current",
        }

    def _past_stay_sources(self, sources):
        """The sources whose stay ended before this file's began: another stay of
        the same person, kept as a past stay, not as this stay's values."""
        start = self.incarceration_date
        return sources.filtered(
            lambda s: start
            and s.actual_release_date
            and s.actual_release_date <= start
            and s.incarceration_date != start
        )

    def _merge_values(self, sources):
        """The values of the sources for the fields left empty here (a source that
        is another stay brings none of its stay, release or consent)."""
        values = {}
        past = self._past_stay_sources(sources)
        for name, field in self._fields.items():
            if name in PER_STAY_FIELDS or name in self._stay_fields:
                candidates = sources - past
            else:
                candidates = sources
            if (
                name in MERGE_KEEP_FIELDS
                or not field.store
                or field.compute
                or field.related
                or field.type in ("one2many", "many2many", "binary")
                or name.startswith(("message_", "activity_"))
                or self[name]
            ):
                continue
            source = next((s for s in candidates if s[name]), None)
            if source:
                values[name] = field.convert_to_write(source[name], source)
        contacts = [d for d in (self | sources).mapped("last_contact_date") if d]
        if contacts and max(contacts) != self.last_contact_date:
            values["last_contact_date"] = max(contacts)
        return values

    def _merge_history(self, sources):
        target = self
        past = target._past_stay_sources(sources)
        # The requests of a source that is another stay keep their stay.
        past_requests = {
            request: request.stay_id
            for request in self.env["siao.request"]
            .sudo()
            .with_context(active_test=False)
            .search([("detainee_id", "in", past.ids)])
        }
        for source in sources.sudo():
            # The stays of a source come here, but the one it shares with this file.
            stays = source.stay_ids
            if source not in past:
                stays -= source.current_stay_id
            stays.write({"detainee_id": target.id})
        self.env["siao.deadline.alert"].sudo().search(
            [("detainee_id", "in", past.ids)]
        ).write({"active": False})
        # A handover under way of a merged file stops: the file kept goes on.
        stopped = (
            self.env["siao.file.handover"]
            .sudo()
            .search([("detainee_id", "in", sources.ids), ("state", "=", "proposed")])
        )
        stopped.write({"state": "cancelled"})
        stopped._done(_("Cancelled: the file was merged into another."))
        # Everything else that points at a merged file comes here, found from the
        # registry: a model added later cannot be left behind.
        for model, fname in self._belonging_fields():
            Model = self.env[model]
            if (
                model in MERGED_APART
                or Model._transient
                or Model._fields[fname].comodel_name != self._name
            ):
                continue
            Model.sudo().with_context(active_test=False).search(
                [(fname, "in", sources.ids)]
            ).write({fname: target.id})
        for request, stay in past_requests.items():
            request.stay_id = stay
        lines = (
            self.env["siao.commission.line"]
            .sudo()
            .search([("detainee_id", "in", sources.ids)])
        )
        on_agenda = (
            target.sudo()
            .env["siao.commission.line"]
            .search([("detainee_id", "=", target.id)])
        )
        movable = lines.filtered(lambda c: c.meeting_id not in on_agenda.meeting_id)
        movable.with_context(siao_merge=True).write({"detainee_id": target.id})
        alerts = self.env["siao.deadline.alert"].sudo()
        alerts.search(
            [
                ("detainee_id", "in", sources.ids),
                ("reason", "not in", target.sudo().alert_ids.mapped("reason")),
            ]
        ).write({"detainee_id": target.id})
        self._merge_checklist(sources)
        self._merge_exchanges(sources)
        thread = [("res_id", "in", sources.ids)]
        self.env["mail.message"].sudo().search(
            [("model", "=", self._name), *thread]
        ).write({"res_id": target.id})
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), *thread]
        ).write({"res_id": target.id})
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), *thread]
        ).write({"res_id": target.id})
        partners = sources.message_partner_ids
        target.message_subscribe(partner_ids=partners.ids)
        sources.message_unsubscribe(partner_ids=partners.ids)

    def _merge_exchanges(self, sources):
        """One exchange per officer: the messages of a merged file's exchange join
        the officer's exchange here (the emptied one is archived), or the exchange
        comes along."""
        Exchange = self.env["siao.spip.exchange"].sudo()
        here = {
            exchange.partner_id: exchange
            for exchange in Exchange.search([("detainee_id", "=", self.id)])
        }
        for exchange in Exchange.search([("detainee_id", "in", sources.ids)]):
            kept = here.get(exchange.partner_id)
            if not kept:
                exchange.detainee_id = self
                here[exchange.partner_id] = exchange
                continue
            for model in ("mail.message", "ir.attachment"):
                field = "model" if model == "mail.message" else "res_model"
                self.env[model].sudo().search(
                    [(field, "=", Exchange._name), ("res_id", "=", exchange.id)]
                ).write({"res_id": kept.id})
            exchange.active = False

    def _merge_checklist(self, sources):
        """One line per right: a line more advanced on a merged file replaces a
        line still to do here; rights missing here come with their line."""
        target = self
        Right = self.env["siao.resource.right"].sudo()
        here = {
            right.right_type: right
            for right in target.sudo().resource_right_ids
            if right.right_type != "other"
        }
        moved = Right
        for right in Right.search([("detainee_id", "in", sources.ids)]):
            mine = here.get(right.right_type)
            if not mine:
                right.detainee_id = target
                moved |= right
                if right.right_type != "other":
                    here[right.right_type] = right
            elif mine.status == "todo" and right.status != "todo":
                mine.write(
                    {
                        "status": right.status,
                        "prepared_date": right.prepared_date,
                        "expected_reopening_date": right.expected_reopening_date,
                        "note": mine.note or right.note,
                        # Whom to call and when: what the worker arranged.
                        **{
                            name: mine[name] or right[name]
                            for name in MERGED_RIGHT_FIELDS
                        },
                    }
                )
                right._drop_appointments()  # its appointment is this line's now
        # An appointment is an activity on the file: those of the lines that
        # came are asked on this file now.
        moved.filtered("appointment_date")._drop_appointments()
        moved.filtered("appointment_date")._plan_appointments()
