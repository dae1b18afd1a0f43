"""Retention (CNIL délibération 2023-095): the last contact kept up to date, the
files due, and their anonymisation with everything that belongs to them."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .record_tools import wizard_action
from .siao_consent import MARK, RECORDED

FREE_TEXT_TYPES = ("char", "text", "html")
# The person's own fields that anonymisation sets to something else than empty.
KEPT_ON_PERSON = {"last_name", "pseudonym"}


def anonymised_last_name(env, pseudonym):
    """The last name an anonymised file gets: its pseudonym's first characters."""
    return env._("Anonymised %(key)s", key=(pseudonym or "")[:8])


def anonymised_last_name_sql(env, alias):
    """``anonymised_last_name`` in SQL, in ``env``'s language (for the bench's
    history, anonymised day after day by the nightly job)."""
    before, after = env._("Anonymised %(key)s", key="\x01").split("\x01")
    return SQL(
        "%s || left(%s.pseudonym, 8) || %s", before, SQL.identifier(alias), after
    )


def free_text_fields(model):
    """The free text a model stores (any char, text or html field its users or its
    rules write), but the references it declares (``_siao_references``)."""
    kept = set(getattr(model, "_siao_references", ()))
    return [
        field
        for name, field in model._fields.items()
        if field.type in FREE_TEXT_TYPES
        and field.store
        and not field.compute
        and not field.related
        and name not in kept
        and name not in models.MAGIC_COLUMNS
    ]


def erase_free_text(records):
    """Empty the free text of ``records`` (a required one keeps a dash)."""
    texts = free_text_fields(records)
    if not records or not texts:
        return
    records.flush_recordset([field.name for field in texts])
    records.env.cr.execute(
        SQL(
            "UPDATE %s SET %s WHERE id = ANY(%s)",
            SQL.identifier(records._table),
            SQL(", ").join(
                SQL(
                    "%s = %s",
                    SQL.identifier(field.name),
                    "-" if field.required else None,
                )
                for field in texts
            ),
            records.ids,
        )
    )
    records.invalidate_recordset([field.name for field in texts])


def erase_thread(records):
    """Erase the messages (and the e-mails still queued from them), tracked values,
    activities and attachments of ``records``."""
    if not records:
        return
    env = records.env(su=True)
    domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
    env["mail.activity"].search(domain).unlink()
    env["ir.attachment"].search(domain).unlink()
    messages = env["mail.message"].search(
        [("model", "=", records._name), ("res_id", "in", records.ids)]
    )
    env["mail.mail"].search([("mail_message_id", "in", messages.ids)]).unlink()
    messages.tracking_value_ids.unlink()
    messages.attachment_ids.unlink()
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE mail_message SET body = '', subject = NULL, "
            "record_name = NULL WHERE id = ANY(%s)",
            messages.ids,
        )
    )
    messages.invalidate_recordset(["body", "subject", "record_name"])


def erase_files(records):
    """Delete every file of ``records``: their attachments and the files of their
    binary fields (a signed consent form...)."""
    if records:
        records.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                "|",
                ("res_field", "=", False),
                ("res_field", "!=", False),
            ]
        ).unlink()


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    # ==== Retention ====
    # Retention (CNIL délibération 2023-095): a file stays active during support and
    # for the company's retention period after the last contact, then it is anonymised.
    # Everything the CPOM figures need (dates, states, outcomes, the random person key)
    # is kept; names, birth day, prison number, free text, messages and files are not.

    anonymised = fields.Boolean(readonly=True, copy=False, index=True)
    merged_into_id = fields.Many2one(
        "siao.detainee",
        string="Merged into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="This archived file was merged into that one: it is anonymised with it.",
    )
    retention_postponed_until = fields.Date(
        string="Anonymisation postponed until", readonly=True, copy=False, tracking=True
    )
    retention_postpone_reason = fields.Text(
        string="Why the file is kept longer", readonly=True, copy=False
    )

    def _protected_fields(self):
        """Retention is the rules' alone; a system administrator may still set a
        last contact, to load the history of files brought from another tool (the
        change is tracked)."""
        protected = super()._protected_fields()
        if self.env.user.has_group("base.group_system"):
            protected.discard("last_contact_date")
        return protected

    # ---- Last contact, kept up to date ----
    def _touch_last_contact(self):
        for company, persons in self.grouped("company_id").items():
            today = company.siao_today()
            stale = persons.filtered(
                lambda p, today=today: not p.anonymised and p.last_contact_date != today
            )
            if stale:
                stale.sudo().with_context(tracking_disable=True).write(
                    {"last_contact_date": today}
                )

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """Any message in the file (a note, an email, an activity done) is a contact,
        except the addon's own notices about the file."""
        message = super().message_post(**kwargs)
        if not self.env.context.get("siao_file_notice"):
            self._touch_last_contact()
        return message

    # ---- Who is due ----
    @api.model
    def _retention_domain(self, on_day=None, ahead=None):
        """Files whose retention period has run out on ``on_day`` (each company's
        today by default), or by then plus ``ahead`` (a relativedelta)."""

        def due_on(company, day):
            day += ahead or relativedelta()
            return [
                ("state", "!=", "detained"),
                ("anonymised", "=", False),
                ("frozen", "=", False),
                # A merged file follows the file it was merged into.
                ("merged_into_id", "=", False),
                (
                    "last_contact_date",
                    "<",
                    day - relativedelta(months=company.siao_retention_months),
                ),
                "|",
                ("retention_postponed_until", "=", False),
                ("retention_postponed_until", "<", day),
                # Support still under way: nobody is anonymised meanwhile, nor
                # while the court supervises them (until its end).
                "|",
                ("state", "!=", "supervised"),
                ("supervision_end_date", "<", day),
                ("avdl_measure_ids", "not any", [("is_open", "=", True)]),
                ("request_ids", "not any", [("is_open", "=", True)]),
                (
                    "reservation_ids",
                    "not any",
                    [
                        ("state", "=", "confirmed"),
                        "|",
                        ("date_to", "=", False),
                        ("date_to", ">=", day),
                    ],
                ),
            ]

        return self.env["res.company"]._siao_per_company_domain(due_on, on_day)

    def action_open_retention_preview(self):
        """The files that will be anonymised within a month, for the coordinators."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_detainee_action"
        )
        title = _("Anonymisation within a month")
        action.update(
            name=title,
            display_name=title,
            help=_(
                "<p class='o_view_nocontent_smiling_face'>No file is anonymised "
                "within a month.</p><p>A released file is anonymised when its "
                "retention period after the last contact ends.</p>"
            ),
            domain=self._retention_domain(ahead=relativedelta(months=1)),
            context={"active_test": False},
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )
        return action

    def action_open_postpone_wizard(self):
        self.ensure_one()
        return wizard_action(
            self.env, "siao.retention.postpone.wizard", detainee_id=self.id
        )

    def action_postpone_retention(self, until=None, reason=None):
        if not self.env.user.has_group("siao_justice.group_siao_manager"):
            raise UserError(_("Only a coordinator may keep a file longer."))
        if not until or not (reason or "").strip():
            raise UserError(_("Give the date until which the file is kept and why."))
        until = fields.Date.to_date(until)
        self.check_access("write")
        self.sudo().write(
            {
                "retention_postponed_until": until,
                "retention_postpone_reason": reason.strip(),
            }
        )
        for person in self.with_context(siao_file_notice=True):
            person.message_post(
                body=_(
                    "Anonymisation postponed until %(date)s: %(reason)s",
                    date=until.strftime("%d/%m/%Y"),
                    reason=reason.strip(),
                ),
                message_type="notification",
            )
        return True

    # ---- Anonymisation ----
    @api.model
    def _cron_anonymise(self):
        persons = (
            self.sudo().with_context(active_test=False).search(self._retention_domain())
        )
        persons._anonymise()
        return persons

    def _anonymise(self):
        """Erase what identifies the persons; keep what the figures need. Files
        merged into them go with them; everything that belongs to them (found from
        the registry) loses its free text, messages, activities and files."""
        if not self:
            return
        # Blanking the consent is no withdrawal by the person (siao.consent).
        self = self.sudo().with_context(
            active_test=False, tracking_disable=True, **{RECORDED: MARK}
        )
        merged = self.search([("merged_into_id", "in", self.ids)]) - self
        while merged:
            self |= merged
            merged = self.search([("merged_into_id", "in", merged.ids)]) - self
        owned = self._owned_records()
        for records in owned.values():
            if records._transient:
                records.unlink()
        owned = {m: r.exists() for m, r in owned.items() if not r._transient}
        threads = [self] + [
            records for records in owned.values() if "message_ids" in records._fields
        ]
        for records in threads:
            erase_thread(records)
        for records in [self, *owned.values()]:
            erase_files(records)
        for records in owned.values():
            erase_free_text(records)
            # A relative's birth date (a child of the household) keeps its year,
            # as the person's own does.
            if "birthdate" in records._fields:
                for record in records.filtered("birthdate"):
                    record.birthdate = record.birthdate.replace(month=1, day=1)
        # What every file loses, in one write (the followers and the records'
        # readers are checked once for all); then each file's own pseudonym.
        values = {
            field.name: False
            for field in free_text_fields(self)
            if field.name not in KEPT_ON_PERSON
        }
        values.update(
            {
                "need_tag_ids": [(5,)],
                "spip_referent_id": False,
                "consent_scope": False,
                "retention_postponed_until": False,
                "anonymised": True,
                "active": False,
            }
        )
        self.write(values)
        for person in self:
            person.write(
                {
                    "last_name": anonymised_last_name(self.env, person.pseudonym),
                    "birthdate": person.birthdate
                    and person.birthdate.replace(month=1, day=1),
                }
            )
        # The minutes that named them are rendered again with the pseudonym.
        self._render_minutes_again()
