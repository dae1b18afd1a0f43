"""Retention (CNIL délibération 2023-095): a file stays active during support and
for the company's retention period after the last contact, then it is anonymised.
Everything the CPOM figures need (dates, states, outcomes, the random person key)
is kept; names, birth day, prison number, free text, messages and files are not."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from .siao_avdl_measure import OPEN_MEASURE_STATES
from .siao_request import OPEN_STATES

FREE_TEXT_TYPES = ("char", "text", "html")
# The person's own fields that anonymisation sets to something else than empty.
KEPT_ON_PERSON = {"last_name", "pseudonym"}


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


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

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

    def _siao_protected_fields(self):
        """Retention is the rules' alone; a system administrator may still set a
        last contact, to load the history of files brought from another tool (the
        change is tracked)."""
        protected = super()._siao_protected_fields()
        if self.env.user.has_group("base.group_system"):
            protected.discard("last_contact_date")
        return protected

    # ---- Last contact, kept up to date ----
    def _touch_last_contact(self):
        today = fields.Date.context_today(self)
        stale = self.filtered(
            lambda p: not p.anonymised and p.last_contact_date != today
        )
        if stale:
            stale.sudo().with_context(tracking_disable=True).write(
                {"last_contact_date": today}
            )

    def message_post(self, **kwargs):
        """Any message in the file (a note, an email, an activity done) is a contact,
        except the addon's own notices about the file."""
        message = super().message_post(**kwargs)
        if not self.env.context.get("siao_file_notice"):
            self._touch_last_contact()
        return message

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            self._touch_last_contact()
        return result

    # ---- Who is due ----
    @api.model
    def _retention_domain(self, on_day):
        """Files whose retention period has run out on ``on_day``."""
        per_company = self.env["res.company"]._siao_threshold_domain(
            "last_contact_date",
            "<",
            lambda company: on_day
            - relativedelta(months=company.siao_retention_months),
        )
        return expression.AND(
            [
                [
                    ("state", "!=", "detained"),
                    ("anonymised", "=", False),
                    # A merged file follows the file it was merged into.
                    ("merged_into_id", "=", False),
                    "|",
                    ("retention_postponed_until", "=", False),
                    ("retention_postponed_until", "<", on_day),
                    # Support still under way: nobody is anonymised meanwhile.
                    (
                        "avdl_measure_ids",
                        "not any",
                        [("state", "in", OPEN_MEASURE_STATES)],
                    ),
                    ("request_ids", "not any", [("state", "in", OPEN_STATES)]),
                    (
                        "reservation_ids",
                        "not any",
                        [
                            ("state", "=", "confirmed"),
                            "|",
                            ("date_to", "=", False),
                            ("date_to", ">=", on_day),
                        ],
                    ),
                ],
                per_company,
            ]
        )

    def action_open_retention_preview(self):
        """The files that will be anonymised within a month, for the coordinators."""
        in_a_month = fields.Date.context_today(self) + relativedelta(months=1)
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
            domain=self._retention_domain(in_a_month),
            context={"active_test": False},
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )
        return action

    def action_open_postpone_wizard(self):
        self.ensure_one()
        return self._siao_wizard("siao.retention.postpone.wizard", detainee_id=self.id)

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
            self.sudo()
            .with_context(active_test=False)
            .search(self._retention_domain(fields.Date.context_today(self)))
        )
        persons._anonymise()
        return persons

    def _anonymise(self):
        """Erase what identifies the persons; keep what the figures need. Files
        merged into them go with them; everything that belongs to them (found from
        the registry) loses its free text, messages, activities and files."""
        if not self:
            return
        self = self.sudo().with_context(active_test=False, tracking_disable=True)
        merged = self.search([("merged_into_id", "in", self.ids)]) - self
        while merged:
            self |= merged
            merged = self.search([("merged_into_id", "in", merged.ids)]) - self
        owned = self._siao_owned_records()
        for records in owned.values():
            if records._transient:
                records.unlink()
        owned = {m: r.exists() for m, r in owned.items() if not r._transient}
        threads = [self] + [
            records for records in owned.values() if "message_ids" in records._fields
        ]
        for records in threads:
            erase_thread(records)
        for records in owned.values():
            erase_free_text(records)
        for person in self:
            values = {
                field.name: False
                for field in free_text_fields(person)
                if field.name not in KEPT_ON_PERSON
            }
            values.update(
                {
                    "last_name": _("Anonymised %(key)s", key=person.pseudonym[:8]),
                    "birthdate": person.birthdate
                    and person.birthdate.replace(month=1, day=1),
                    "spip_referent_id": False,
                    "consent_scope": False,
                    "retention_postponed_until": False,
                    "anonymised": True,
                    "active": False,
                }
            )
            person.write(values)
        # The minutes that named them are rendered again with the pseudonym.
        self._render_minutes_again()
