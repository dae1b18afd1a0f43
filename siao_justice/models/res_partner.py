from stdnum.fr import siret

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

PARTNER_TYPES = [
    ("prison", "Prison"),
    ("spip", "SPIP"),
    ("host_structure", "Host structure"),
    ("landlord", "Landlord"),
    ("france_travail", "France Travail"),
    ("caf", "CAF"),
    ("other", "Other"),
]
PRISON_TYPES = [
    ("ma", "Maison d'arrêt (MA)"),
    ("cd", "Centre de détention (CD)"),
    ("mc", "Maison centrale (MC)"),
    ("cp", "Centre pénitentiaire (CP)"),
    ("csl", "Centre de semi-liberté (CSL)"),
    ("cpa", "Centre pour peines aménagées (CPA)"),
    ("sas", "Structure d'accompagnement vers la sortie (SAS)"),
    ("epm", "Établissement pénitentiaire pour mineurs (EPM)"),
]


# The staff of a SPIP who may get a portal account.
SPIP_ROLES = [
    ("cpip", "Probation officer (CPIP)"),
    ("social_worker", "SPIP social worker"),
]
SIAO_FIELDS = ("siao_partner_type", "prison_type", "siret", "siao_spip_role")
# The partner types only the coordinators give (or take back).
OFFICIAL_PARTNER_TYPES = ("prison", "spip")
# What only a coordinator changes on the contact of SPIP staff with access to the
# portal: who they are, where their mail goes, which SPIP they belong to.
OFFICER_CONTACT_FIELDS = frozenset(
    {
        "name",
        "email",
        "parent_id",
        "company_id",
        "siao_spip_role",
        "siao_partner_type",
        "active",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    siao_partner_type = fields.Selection(
        PARTNER_TYPES, string="SIAO partner type", index=True
    )
    prison_type = fields.Selection(PRISON_TYPES)
    siret = fields.Char(string="SIRET", size=14)
    siao_spip_role = fields.Selection(
        SPIP_ROLES,
        string="Role at the SPIP",
        help="For a contact of a SPIP: what their portal account shows (a social "
        "worker may see the persons of the whole SPIP, as a setting).",
    )
    siao_convention_ids = fields.One2many(
        "siao.convention",
        "partner_id",
        string="Conventions",
        groups="siao_justice.group_siao_user",
    )
    siao_convention_count = fields.Integer(
        string="Number of conventions",
        compute="_compute_siao_convention_count",
        groups="siao_justice.group_siao_user",
    )

    def _compute_siao_convention_count(self):
        counts = dict(
            self.env["siao.convention"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.siao_convention_count = counts.get(partner._origin, 0)

    def action_open_siao_conventions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_convention_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.model_create_multi
    def create(self, vals_list):
        self._siao_check_own_values(vals_list)
        for vals in vals_list:
            self._siao_check_official_type(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._siao_check_own_values([vals])
        self._siao_check_officer_contact(vals)
        self._siao_check_official_type(vals)
        return super().write(vals)

    def _siao_check_official_type(self, vals):
        """Which partners are prisons and SPIPs (what the portal's forms offer, what
        a SPIP's staff is) is the coordinators' to say."""
        if "siao_partner_type" not in vals:
            return
        official = set(OFFICIAL_PARTNER_TYPES)
        if vals["siao_partner_type"] not in official and not any(
            partner.siao_partner_type in official for partner in self
        ):
            return
        user = self.env.user
        if not (
            self.env.uid == SUPERUSER_ID
            or user.has_group("siao_justice.group_siao_manager")
            or user.has_group("base.group_system")
        ):
            raise AccessError(
                _("Only a coordinator records a prison or a SPIP among the partners.")
            )

    def _siao_check_officer_contact(self, vals):
        """The contact of SPIP staff with access to the portal (who they are, where
        their mail goes, which SPIP) changes only through the coordinators: anyone
        else could send an invitation to their own address."""
        if OFFICER_CONTACT_FIELDS & set(vals):
            self.env["siao.spip.access"]._guard_staff(self)

    def _siao_check_own_values(self, vals_list):
        """The addon's own fields get the same boundary checks as its models."""
        checker = self.env["siao.input.validation"]
        for vals in vals_list:
            for name in SIAO_FIELDS:
                if isinstance(vals, dict) and name in vals:
                    field = self._fields[name]
                    reason = checker._value_problem(field, vals[name])
                    if reason:
                        raise checker._invalid(field, reason)

    @api.constrains("siret")
    def _check_siao_siret(self):
        for partner in self.filtered("siret"):
            if not siret.is_valid(partner.siret):
                raise ValidationError(
                    _(
                        "The SIRET “%(siret)s” is not valid "
                        "(14 digits with a valid key).",
                        siret=partner.siret,
                    )
                )

    @api.constrains("siao_partner_type", "prison_type")
    def _check_siao_prison_type(self):
        for partner in self:
            if partner.prison_type and partner.siao_partner_type != "prison":
                raise ValidationError(_("Only a prison has a prison type."))

    def _get_needaction_count(self):
        """The Inbox's counter counts the messages the Inbox shows: not those of
        the addon's records the user may no longer read (Odoo counts every
        unread notification)."""
        self.ensure_one()
        if self.env.su or self != self.env.user.partner_id:
            return super()._get_needaction_count()
        return self.env["mail.message"].search_count([("needaction", "=", True)])

    def _siao_postal_address(self):
        """The address a person is sent to, as a letter prints it: its lines
        without the company's name and without empty lines."""
        self.ensure_one()
        address = self._display_address(without_company=True)
        return "\n".join(line for line in address.splitlines() if line.strip())
