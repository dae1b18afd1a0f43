"""The register of processing activities (RGPD art. 30), as OCA's ``privacy``
keeps it: the addon's four processings are records of ``privacy.activity``, one set
per company (its controller), their description written from the company's settings
each time one changes, so that the register says what the addon does."""

from odoo import api, fields, models

# The addon's processings, in the register's order.
ACTIVITIES = [
    ("release", "Preparation of release with the SPIP"),
    ("avdl", "AVDL Justice support"),
    ("cpom", "CPOM reporting"),
    ("portal", "SPIP portal"),
]
DESCRIPTION_TEMPLATE = "siao_justice.privacy_activity_description"


class PrivacyActivity(models.Model):
    _inherit = "privacy.activity"

    siao_activity = fields.Selection(
        ACTIVITIES,
        string="SIAO Justice processing",
        readonly=True,
        copy=False,
        help="Kept by SIAO Justice: its description is written from the company's "
        "settings each time they change.",
    )
    siao_company_id = fields.Many2one(
        "res.company", string="Company of the processing", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "siao_activity_unique",
            "unique (siao_activity, siao_company_id)",
            "A company has one entry of each SIAO Justice processing.",
        )
    ]

    @api.model
    def _siao_refresh_register(self, companies=None):
        """Write (or create) each company's entries of the addon's processings, in
        every active language, from the company's settings."""
        if not self.env.ref(DESCRIPTION_TEMPLATE, raise_if_not_found=False):
            return  # the addon's data is still being loaded (post_init writes it)
        Activity = self.sudo().with_context(active_test=False)
        companies = (companies or self.env["res.company"].search([])).sudo()
        # The source text (en_US, whether the language is active or not), then
        # each language in use.
        languages = ["en_US"] + [
            code
            for code, _name in self.env["res.lang"].get_installed()
            if code != "en_US"
        ]
        for company in companies:
            for key, _label in ACTIVITIES:
                activity = Activity.search(
                    [("siao_activity", "=", key), ("siao_company_id", "=", company.id)]
                )
                if not activity:
                    activity = Activity.create(
                        {
                            "name": key,
                            "siao_activity": key,
                            "siao_company_id": company.id,
                            "controller_id": company.partner_id.id,
                        }
                    )
                values = {}
                for lang in languages:
                    localised = activity.with_context(lang=lang)
                    labels = dict(
                        self._fields["siao_activity"]._description_selection(
                            localised.env
                        )
                    )
                    values[lang] = (labels[key], localised._siao_description(company))
                # The source first (a write sets every language when English is
                # not active), then each translation.
                activity.with_context(lang="en_US").write(
                    dict(zip(("name", "description"), values.pop("en_US"), strict=True))
                )
                activity._siao_translate(values)

    def _siao_translate(self, values):
        """Set each language's name and text ({lang: (name, description)}) beside
        the English source just written; the text is translated by terms (an Html
        field), each term of the source paired with the same term of the language's
        rendering of the template."""
        field = self._fields["description"]
        source = field.get_trans_terms(self.with_context(lang="en_US").description)
        names, texts = {}, {}
        for lang, (name, description) in values.items():
            names[lang] = name
            terms = field.get_trans_terms(description)
            if len(terms) == len(source):
                texts[lang] = dict(zip(source, terms, strict=True))
        if names:
            self.update_field_translations("name", names)
        if texts:
            self.update_field_translations("description", texts)

    def _siao_description(self, company):
        """The entry's text (purposes, legal basis, persons, data, recipients,
        retention, security) in the context's language, from ``company``'s
        settings."""
        self.ensure_one()
        return self.env["ir.qweb"]._render(
            DESCRIPTION_TEMPLATE, self._siao_register_values(company)
        )

    def _siao_register_values(self, company):
        self.ensure_one()
        Person = self.env["siao.detainee"]
        scopes = dict(Person._fields["consent_scope"]._description_selection(self.env))
        return {
            "activity": self,
            "kind": self.siao_activity,
            "company": company,
            "scopes": scopes,
        }
