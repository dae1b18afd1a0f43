"""18.0.1.7.0: the path after prison. The current stay of a file under court
supervision keeps that supervision (the figures count it over its dates, a later
stay in prison does not erase it); the files still followed get the lines their
resources checklist now has (the postal address, *domiciliation*, first)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    cr.execute(
        """
        UPDATE siao_detainee_stay s
           SET supervision_type = d.supervision_type,
               supervision_start_date = d.supervision_start_date,
               supervision_end_date = d.supervision_end_date
          FROM siao_detainee d
         WHERE d.current_stay_id = s.id AND d.supervision_type IS NOT NULL
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["siao.detainee"].search(
        [("state", "in", ("detained", "supervised")), ("anonymised", "=", False)]
    )._add_default_checklist()
