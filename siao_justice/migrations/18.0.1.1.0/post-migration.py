from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file


def migrate(cr, version):
    """The record rules are data that an update does not rewrite (noupdate): those
    of the confidential files changed, so they are loaded again from their file."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    convert_file(
        env,
        "siao_justice",
        "security/siao_justice_rules.xml",
        {},
        mode="init",
        kind="data",
    )
