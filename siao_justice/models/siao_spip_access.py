import secrets

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .res_partner import SPIP_ROLES

# At most this many proposals a day from one officer (release lists and referrals).
PROPOSALS_PER_DAY = 1000


class SiaoSpipAccess(models.Model):
    """Who is a SPIP officer or social worker on the portal, and of which SPIP: the
    coordinators' decision, recorded here (never read from a contact anyone may
    edit). The portal shows an account nothing of the addon without an active
    access; archiving it closes the portal's pages at once."""

    _name = "siao.spip.access"
    _description = "SPIP portal access"
    _inherit = ["mail.thread", "siao.input.validation"]
    _order = "spip_id, partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="SPIP staff member",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
        domain="[('is_company', '=', False), ('parent_id.siao_partner_type', '=', "
        "'spip')]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Portal account",
        readonly=True,
        ondelete="restrict",
        index=True,
        copy=False,
    )
    spip_id = fields.Many2one(
        "res.partner",
        string="SPIP",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
        domain="[('siao_partner_type', '=', 'spip')]",
    )
    role = fields.Selection(
        SPIP_ROLES, string="Role at the SPIP", required=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    # The shared row every upload of the officer updates: its proposals of the
    # day, counted under concurrency by PostgreSQL (see siao.spip.proposal).
    proposal_day = fields.Date(string="Day counted", readonly=True, copy=False)
    proposal_count = fields.Integer(
        string="Proposals of the day", readonly=True, copy=False
    )

    def init(self):
        # One access per account while it is active: the portal reads one.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS siao_spip_access_one_per_user
                ON siao_spip_access (user_id)
             WHERE active AND user_id IS NOT NULL
            """
        )

    @api.depends("partner_id", "spip_id")
    def _compute_display_name(self):
        for access in self:
            access.display_name = (
                f"{access.partner_id.name or ''} ({access.spip_id.name or ''})"
            )

    @api.constrains("partner_id", "spip_id")
    def _check_partner_of_the_spip(self):
        for access in self:
            if access.spip_id.siao_partner_type != "spip":
                raise ValidationError(_("Choose a SPIP."))
            if access.partner_id.commercial_partner_id != access.spip_id:
                raise ValidationError(
                    _("The staff member is a contact of the SPIP given.")
                )

    @api.model
    def _guard_staff(self, partners):
        """The contact and account of SPIP staff who have (or had) an access
        change only through the coordinators (or the system): refused for anyone
        else, whatever rights the call runs with (Odoo's own wizards write as
        the superuser on the user's behalf)."""
        user = self.env.user
        if (
            self.env.uid == SUPERUSER_ID
            or user.has_group("siao_justice.group_siao_manager")
            or user.has_group("base.group_system")
        ):
            return
        if (
            self.sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "in", partners.ids)], limit=1)
        ):
            raise AccessError(
                _(
                    "Only a coordinator changes the contact or the account of SPIP "
                    "staff with access to the portal."
                )
            )

    @api.model
    def _access_of(self, user):
        """The active access of ``user``, a portal account (empty if none)."""
        if not user.share or user._is_public():
            return self.browse()
        return self.sudo().search(
            [("user_id", "=", user.id), ("active", "=", True)], limit=1
        )

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        accesses = super().create(vals_list)
        accesses._grant_portal_account()
        return accesses

    def write(self, vals):
        if "partner_id" in vals and any(
            access.partner_id.id != vals["partner_id"] for access in self
        ):
            raise UserError(
                _(
                    "An access is given to one person: archive it and give a new "
                    "one to the other."
                )
            )
        result = super().write(vals)
        if vals.get("active"):
            self._grant_portal_account()
        return result

    def _grant_portal_account(self):
        """The staff member's portal account, opened afresh by the coordinator's
        decision: Odoo's own (``portal.wizard``), its login the contact's e-mail,
        any password or session it had revoked, and an invitation sent to that
        e-mail; an account made earlier by anyone else keeps nothing of it."""
        for access in self.filtered("active"):
            partner = access.partner_id.sudo()
            user = partner.with_context(active_test=False).user_ids[:1]
            if user and not user.share:
                raise ValidationError(
                    _(
                        "%(name)s has an account of the association: the portal is "
                        "for the SPIP's staff.",
                        name=partner.name,
                    )
                )
            if not partner.email:
                raise ValidationError(
                    _(
                        "%(name)s needs an e-mail address: the portal's invitation "
                        "is sent there.",
                        name=partner.name,
                    )
                )
            Wizard = self.env["portal.wizard"].sudo().with_company(access.company_id)
            line = Wizard.create({"partner_ids": [(6, 0, partner.ids)]}).user_ids
            if not user or not user.active or not user._is_portal():
                line.action_grant_access()
                user = partner.with_context(active_test=False).user_ids[:1]
            else:
                user.sudo().write(
                    {"login": partner.email, "password": secrets.token_urlsafe(32)}
                )
                line.action_invite_again()
            access.sudo().user_id = user

    def _count_proposals(self, count):
        """Count ``count`` more proposals of the officer today, on the access's row
        that every upload and referral updates (PostgreSQL serialises two at once);
        refused past the day's limit."""
        self.ensure_one()
        today = self.company_id.siao_today()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE siao_spip_access
                      SET proposal_count = CASE WHEN proposal_day = %(today)s
                                                THEN proposal_count + %(count)s
                                                ELSE %(count)s END,
                          proposal_day = %(today)s
                    WHERE id = %(id)s
                RETURNING proposal_count""",
                today=today,
                count=count,
                id=self.id,
            )
        )
        total = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["proposal_day", "proposal_count"])
        if total > PROPOSALS_PER_DAY:
            raise UserError(
                _(
                    "The SIAO receives at most %(limit)s rows and referrals a day "
                    "from one officer: send the rest tomorrow, or to the SIAO.",
                    limit=PROPOSALS_PER_DAY,
                )
            )
