from odoo import _, api, fields, models
from odoo.osv import expression

from odoo.addons.portal.utils import validate_thread_with_token

# What the thread's data may hold for the officer's portal chatter.
PORTAL_DATA = ("followers",)


class SiaoSpipExchange(models.Model):
    """The messages between one SPIP officer and the person's referent, about one
    person: a thread per (person, officer), so that another officer of the same
    SPIP never reads it. The officer writes from the person's portal page (Odoo's
    portal chatter), the referent from the back office."""

    _name = "siao.spip.exchange"
    _description = "Exchange with the SPIP"
    _inherit = ["portal.mixin", "mail.thread", "siao.person.record"]
    _order = "write_date desc, id desc"

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="SPIP officer",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('siao_spip_role', '!=', False)]",
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "one_per_officer",
            "UNIQUE (detainee_id, partner_id)",
            "An officer has one exchange per person.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_display_name(self):
        for exchange in self:
            exchange.display_name = _(
                "Exchange with %(officer)s", officer=exchange.partner_id.name or ""
            )

    def _compute_access_url(self):
        for exchange in self:
            exchange.access_url = f"/my/siao/{exchange.detainee_id.id}"

    @api.model
    def _usable_by(self, user):
        """The exchanges ``user``, a portal user, may use: theirs, still open, on
        a person the portal shows them (``_portal_domain``, the one rule of
        what the portal shows). Nothing for a user of the association (they go
        through the access rules)."""
        Person = self.env["siao.detainee"].sudo().with_context(active_test=False)
        domain = Person._portal_domain(user)
        if not user.share or domain == expression.FALSE_DOMAIN:
            return self.sudo().browse()
        return self.sudo().search(
            [
                ("partner_id", "=", user.partner_id.id),
                ("active", "=", True),
                ("detainee_id", "any", domain),
            ]
        )

    def _officer_may_use(self, user):
        """Whether ``user``, a portal user, may use this exchange."""
        self.ensure_one()
        return self.sudo() in self._usable_by(user)

    def _may_receive(self, partner):
        """Outside the association, only the exchange's officer receives it, and
        only while they may use it."""
        if partner.user_ids.filtered(lambda user: not user.share):
            return super()._may_receive(partner)
        return any(self._officer_may_use(user) for user in partner.user_ids)

    def _keep_to_readers(self, reassign=True):
        """An officer who may no longer use the exchange stops following it, and
        the links to its files their chatter was given open nothing any more."""
        outside = {
            exchange: exchange.message_partner_ids.filtered("partner_share")
            for exchange in self.sudo()
        }
        result = super()._keep_to_readers(reassign=reassign)
        for exchange, partners in outside.items():
            if partners - exchange.message_partner_ids:
                self.env["ir.attachment"].sudo().search(
                    [("res_model", "=", self._name), ("res_id", "=", exchange.id)]
                ).write({"access_token": False})
        return result

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        """The officer's chatter is given the thread's followers, nothing else of
        it (not the attachments of the referent's internal notes)."""
        if request_list and self.env.user.share:
            request_list = [name for name in request_list if name in PORTAL_DATA]
        return super()._thread_to_store(store, fields=fields, request_list=request_list)

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """The portal's chatter reaches an exchange only for its officer, with its
        token, while the portal shows them the person: a token kept after the
        person's consent was withdrawn, or by someone else, opens nothing.
        Users of the association go through the access rights and record rules."""
        user = self.env.user
        if not user.share:  # access rights and record rules, never a token
            thread = self.browse(thread_id).exists()
            return thread if thread and thread.has_access(mode) else self.browse()
        exchange = self.browse(thread_id).sudo().exists()
        if (
            exchange
            and validate_thread_with_token(exchange, kwargs.get("token"))
            and exchange._officer_may_use(user)
        ):
            return exchange
        return self.browse()

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """The person's referent follows the exchange: they are the one asked.
        Who may no longer receive it (an officer whose person left the portal)
        stops following it first."""
        self._keep_to_readers(reassign=False)
        for exchange in self.sudo():
            referent = exchange.detainee_id.user_id.partner_id
            if referent and referent not in exchange.message_partner_ids:
                exchange.message_subscribe(partner_ids=referent.ids)
        return super().message_post(**kwargs)
