"""18.0.1.6.0: the person's rights. Consent becomes a record: each file's consent in
force is kept as given, as recorded on the file. The register of processing (OCA's
``privacy.activity``) gets the addon's entries, written from each company's
settings."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    persons = (
        env["siao.detainee"]
        .with_context(active_test=False)
        .search(
            [
                ("consent_date", "!=", False),
                ("consent_scope", "!=", False),
                ("consent_ids", "=", False),
            ]
        )
    )
    persons._record_consent(how="file")
    env["privacy.activity"]._siao_refresh_register()
