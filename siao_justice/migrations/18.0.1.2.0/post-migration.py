"""18.0.1.2.0: each file keeps its stays in prison.

Every file that existed gets its current stay, holding its current-stay values (its
release, for a released file, becomes the release of that stay); its requests and
alerts belong to that stay. The record rules read whom a file is shared with
(consent): their file is loaded again (noupdate data)."""

from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["siao.detainee"]._start_missing_stays()
    convert_file(
        env,
        "siao_justice",
        "security/siao_justice_rules.xml",
        {},
        mode="init",
        kind="data",
    )
