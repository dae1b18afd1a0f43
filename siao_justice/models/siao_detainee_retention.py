"""Retention (CNIL délibération 2023-095): a file stays active during support and
for the company's retention period after the last contact, then it is anonymised.
Everything the CPOM figures need (dates, states, outcomes, the random person key)
is kept; names, birth day, prison number, free text, messages and files are not."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

# Free-text fields of the person's related records, erased with the person.
RELATED_FREE_TEXT = {
    "siao.request": ["cancel_reason"],
    "siao.commission.line": ["situation_summary", "decision_note"],
    "siao.housing.reservation": ["note"],
}


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    anonymised = fields.Boolean(readonly=True, copy=False, index=True)
    retention_postponed_until = fields.Date(
        string="Anonymisation postponed until", readonly=True, copy=False, tracking=True
    )
    retention_postpone_reason = fields.Text(
        string="Why the file is kept longer", readonly=True, copy=False
    )

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
        per_company = expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (
                        "last_contact_date",
                        "<",
                        on_day - relativedelta(months=company.siao_retention_months),
                    ),
                ]
                for company in self.env["res.company"].sudo().search([])
            ]
        )
        return expression.AND(
            [
                [
                    ("state", "!=", "detained"),
                    ("anonymised", "=", False),
                    "|",
                    ("retention_postponed_until", "=", False),
                    ("retention_postponed_until", "<", on_day),
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
        action.update(
            name=_("Anonymisation within a month"),
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
        self.write(
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
        """Erase what identifies the persons; keep what the figures need."""
        if not self:
            return
        self = self.sudo().with_context(active_test=False, tracking_disable=True)
        related = {
            model: self.env[model].search([("detainee_id", "in", self.ids)])
            for model in (
                "siao.request",
                "siao.avdl.measure",
                "siao.housing.reservation",
                "siao.commission.line",
                "siao.resource.right",
            )
        }
        # Messages, tracked values, activities and files of the person and records.
        threads = [("siao.detainee", self.ids)] + [
            (model, records.ids)
            for model, records in related.items()
            if "message_ids" in self.env[model]._fields
        ]
        for model, ids in threads:
            self.env["mail.activity"].search(
                [("res_model", "=", model), ("res_id", "in", ids)]
            ).unlink()
            self.env["ir.attachment"].search(
                [("res_model", "=", model), ("res_id", "in", ids)]
            ).unlink()
            messages = self.env["mail.message"].search(
                [("model", "=", model), ("res_id", "in", ids)]
            )
            messages.tracking_value_ids.unlink()
            messages.attachment_ids.unlink()
            self.env.cr.execute(
                SQL(
                    "UPDATE mail_message SET body = '', subject = NULL, "
                    "record_name = NULL WHERE id = ANY(%s)",
                    messages.ids,
                )
            )
        self.env["mail.message"].invalidate_model(["body", "subject", "record_name"])
        for model, names in RELATED_FREE_TEXT.items():
            if related[model]:
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s WHERE id = ANY(%s)",
                        SQL.identifier(self.env[model]._table),
                        SQL(", ").join(
                            SQL("%s = NULL", SQL.identifier(name)) for name in names
                        ),
                        related[model].ids,
                    )
                )
                self.env[model].invalidate_model(names)
        self.env["siao.avdl.renewal"].search(
            [("measure_id", "in", related["siao.avdl.measure"].ids)]
        ).write({"reason": "-"})
        for person in self:
            person.write(
                {
                    "last_name": _("Anonymised %(key)s", key=person.pseudonym[:8]),
                    "first_name": False,
                    "birthdate": person.birthdate
                    and person.birthdate.replace(month=1, day=1),
                    "prison_number": False,
                    "nir": False,
                    "restrictions": False,
                    "notes": False,
                    "spip_referent_id": False,
                    "consent_scope": False,
                    "anonymised": True,
                    "active": False,
                }
            )
        # The minutes that named them are rendered again with the pseudonym.
        meetings = related["siao.commission.line"].meeting_id.filtered(
            lambda m: m.state == "closed"
        )
        for meeting in meetings:
            meeting._attach_minutes(replace=True)
