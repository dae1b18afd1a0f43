"""18.0.1.3.0: the measures the pre-migration cancelled say why, their former
workers stop following files they no longer read; the horizon and the housing
solution are computed again from the new estimated release date (the expected
release date, or else the LSC de plein droit deadline, or else the end of
sentence); every internal user gets their role's home screen."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT id FROM siao_upgrade_cancelled_measure")
    ids = [row[0] for row in cr.fetchall()]
    cr.execute("DROP TABLE siao_upgrade_cancelled_measure")
    env["siao.avdl.measure"].browse(ids)._note_cancelled_as_extra()
    Person = env["siao.detainee"].with_context(active_test=False)
    env.add_to_compute(Person._fields["has_housing_solution"], Person.search([]))
    Person.flush_model()
    Person._cron_update_release_horizon()
    env["res.users"].search([("share", "=", False)])._siao_set_home_action()
