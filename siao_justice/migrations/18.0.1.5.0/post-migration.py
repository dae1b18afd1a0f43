"""18.0.1.5.0: who is SPIP staff on the portal is the coordinators' decision, kept
on ``siao.spip.access``. The portal accounts the previous version read as SPIP
officers (a contact of a SPIP with a role, which any employee could edit) get an
access archived, for a coordinator to confirm (un-archiving it opens the account
afresh, with an invitation to the contact's e-mail); until then the portal shows
them nothing. French is installed with the addon."""

from odoo import SUPERUSER_ID, api

from odoo.addons.siao_justice.hooks import install_french


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    install_french(env)
    Access = env["siao.spip.access"].with_context(mail_create_nosubscribe=True)
    users = env["res.users"].search([("share", "=", True)])
    for user in users.filtered(lambda u: u._is_portal()):
        partner = user.partner_id
        spip = partner.commercial_partner_id
        if spip.siao_partner_type == "spip" and partner.siao_spip_role:
            Access.with_company(user.company_id).create(
                {
                    "partner_id": partner.id,
                    "spip_id": spip.id,
                    "role": partner.siao_spip_role,
                    "company_id": user.company_id.id,
                    "active": False,
                }
            )
