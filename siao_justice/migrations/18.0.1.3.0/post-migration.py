"""18.0.1.3.0: the measures the pre-migration cancelled say why; every horizon is
computed again from the new estimated release date (the expected release date, or
else the LSC de plein droit deadline, or else the end of sentence)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT id FROM siao_upgrade_cancelled_measure")
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("DROP TABLE siao_upgrade_cancelled_measure")
    env["siao.avdl.measure"].browse(ids)._note_cancelled_as_extra()
    env["siao.detainee"]._cron_update_release_horizon()
