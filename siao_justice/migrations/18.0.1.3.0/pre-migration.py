"""18.0.1.3.0: a person holds one open AVDL measure at a time (a unique index).

Before the index is created, a person holding several open measures keeps the most
advanced one; the others are cancelled (their ids are kept for the post-migration,
which tells their workers why in the chatter). The models are not loaded yet here:
the rule is the module's SQL function."""

from odoo.addons.siao_justice.models.siao_avdl_measure import (
    cancel_extra_open_measures,
)


def migrate(cr, version):
    cancelled = cancel_extra_open_measures(cr)
    cr.execute("CREATE TEMPORARY TABLE siao_upgrade_cancelled_measure (id integer)")
    if cancelled:
        cr.execute(
            "INSERT INTO siao_upgrade_cancelled_measure (id) SELECT unnest(%s)",
            (cancelled,),
        )
