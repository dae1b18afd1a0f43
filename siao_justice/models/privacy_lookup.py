"""Odoo's Privacy Lookup (``privacy_lookup``) knows the addon's persons: a lookup by
name, or by prison number, lists each person's file and every record of it; its
*archive* of a file is the addon's anonymisation (as retention's), its *delete* is
refused for the addon's records; each act lands in ``privacy.log`` as Odoo's own."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .siao_consent import MARK
from .siao_detainee_rights import LOOKUP

# A person in prison has no e-mail address: the lookup is by name (or prison
# number) alone, and Odoo's log, which wants an address, gets this one.
NO_EMAIL = "no-email@siao-justice.invalid"
ADDON = "siao_justice"


def is_addon_model(env, model_name):
    """Whether ``model_name`` is one of the addon's own models."""
    return (
        model_name in env
        and getattr(env[model_name], "_original_module", None) == ADDON
    )


class PrivacyLog(models.Model):
    _inherit = "privacy.log"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("anonymized_email"):
                vals["anonymized_email"] = NO_EMAIL
        return super().create(vals_list)


class PrivacyLookupWizard(models.TransientModel):
    _inherit = "privacy.lookup.wizard"

    email = fields.Char(
        required=False,
        help="Optional: a person in prison is found by their name, or by their "
        "prison number typed as the name.",
    )

    def _get_query_models_blacklist(self):
        # The addon's records are found through their person only (below): a
        # contact found by name (a SPIP officer, a prison) does not bring the files
        # it is referent of, prison of, or SPIP of.
        return super()._get_query_models_blacklist() + [
            name for name in self.env.registry if is_addon_model(self.env, name)
        ]

    def _get_query(self):
        email = (self.email or "").strip()
        lookup = self if email else self.new({"name": self.name, "email": NO_EMAIL})
        query = super(PrivacyLookupWizard, lookup)._get_query()
        rows = self._siao_found_rows()
        if not rows:
            return query
        return SQL(
            """%s
               UNION ALL
               SELECT v.res_model_id, v.res_id, v.is_active
                 FROM (VALUES %s) AS v(res_model_id, res_id, is_active)""",
            query,
            SQL(", ").join(SQL("(%s, %s, %s)", *row) for row in rows),
        )

    def _siao_persons_found(self):
        """The persons whose name holds every word typed, or whose prison number is
        the text typed (anonymised files name no one any more)."""
        self.ensure_one()
        text = (self.name or "").strip()
        if not text:
            return self.env["siao.detainee"]
        words = [[("name", "ilike", word)] for word in text.split()]
        Person = self.env["siao.detainee"].sudo().with_context(active_test=False)
        return Person.search(
            [("anonymised", "=", False), "|", ("prison_number", "=", text)]
            + ["&"] * (len(words) - 1)
            + [leaf for word in words for leaf in word]
        )

    def _siao_found_rows(self):
        """(model id, record id, active) of each person found and of every record of
        theirs (found from the registry)."""
        persons = self._siao_persons_found()
        if not persons:
            return []
        found = {"siao.detainee": persons, **persons._owned_records()}
        rows = []
        for model, records in found.items():
            if not records or records._transient:
                continue
            model_id = self.env["ir.model"]._get_id(model)
            if model == "siao.detainee":
                # A file closed and archived is still to anonymise.
                rows.extend((model_id, p.id, not p.anonymised) for p in records)
                continue
            has_active = "active" in records._fields
            rows.extend(
                (model_id, record.id, record.active if has_active else True)
                for record in records
            )
        return rows

    @api.model
    def _siao_name_in_french(self):
        """Odoo's Privacy Lookup keeps its English name in French: the addon's
        users find it, in the partners' and users' action menus and in the
        settings, under a French name (for a French database)."""
        if not self.env["res.lang"]._lang_get("fr_FR"):
            return True  # French not installed yet (the install's hook names it)
        name = {"fr_FR": "Recherche de données personnelles"}
        for xmlid in (
            "privacy_lookup.ir_action_server_action_privacy_lookup_partner",
            "privacy_lookup.ir_action_server_action_privacy_lookup_user",
            "privacy_lookup.action_privacy_lookup_wizard",
        ):
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record:
                record.sudo().update_field_translations("name", name)
        return True


class PrivacyLookupWizardLine(models.TransientModel):
    _inherit = "privacy.lookup.wizard.line"

    @api.onchange("is_active")
    def _onchange_is_active(self):
        addon = self.filtered(lambda line: is_addon_model(self.env, line.res_model))
        for line in addon:
            line._siao_archive()
        return super(PrivacyLookupWizardLine, self - addon)._onchange_is_active()

    def _siao_archive(self):
        """Archiving a person's file anonymises it, with everything of it, by the
        addon's anonymisation; a record of a file is anonymised with its file."""
        self.ensure_one()
        if not self.res_id:
            return
        record = self.env[self.res_model].sudo().browse(self.res_id).exists()
        person = self._siao_person_of(record)
        if self.is_active:
            raise UserError(_("An anonymised file never comes back."))
        if self.res_model == "siao.detainee":
            if not record.anonymised:
                record.with_user(self.env.user).with_context(
                    **{LOOKUP: MARK}
                ).action_anonymise_now(reason=_("Privacy Lookup"))
            self.execution_details = _(
                "Anonymised %(model)s #%(id)s",
                model=self.res_model_id.name,
                id=self.res_id,
            )
        elif person and person.anonymised:
            self.execution_details = _(
                "Anonymised with its file: %(model)s #%(id)s",
                model=self.res_model_id.name,
                id=self.res_id,
            )
        else:
            raise UserError(
                _(
                    "This record belongs to a person's file: archive the file's line "
                    "(the person), which anonymises it with everything of the file."
                )
            )

    def _siao_person_of(self, record):
        """The person the record belongs to, among those of this lookup."""
        if record._name == "siao.detainee":
            return record
        lines = self.wizard_id.line_ids.filtered(
            lambda line: line.res_model == "siao.detainee"
        )
        persons = (
            self.env["siao.detainee"].sudo().browse(lines.mapped("res_id")).exists()
        )
        for person in persons:
            if record in person._owned_records().get(record._name, ()):
                return person
        return persons.browse()

    def action_archive_all(self):
        # The files first: the records of a file are anonymised with it.
        persons = self.filtered(lambda line: line.res_model == "siao.detainee")
        super(PrivacyLookupWizardLine, persons).action_archive_all()
        return super(PrivacyLookupWizardLine, self - persons).action_archive_all()

    def action_unlink(self):
        if is_addon_model(self.env, self.res_model):
            raise UserError(
                _(
                    "A person's file and its records are never deleted: archive the "
                    "file's line, which anonymises it as retention does."
                )
            )
        return super().action_unlink()
