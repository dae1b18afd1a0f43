from odoo import _, api, fields, models

from odoo.addons.portal.utils import validate_thread_with_token


class SiaoSpipExchange(models.Model):
    """The messages between one SPIP officer and the person's referent, about one
    person: a thread per (person, officer), so that another officer of the same
    SPIP never reads it. The officer writes from the person's portal page (Odoo's
    portal chatter), the referent from the back office."""

    _name = "siao.spip.exchange"
    _description = "Exchange with the SPIP"
    _inherit = ["portal.mixin", "mail.thread", "siao.input.validation"]
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

    def _siao_officer_may_use(self, user):
        """Whether ``user``, a portal user, is this exchange's officer and still
        sees its person on the portal (the one rule of what the portal shows)."""
        self.ensure_one()
        exchange = self.sudo()
        if not exchange.active or exchange.partner_id != user.partner_id:
            return False
        Person = self.env["siao.detainee"].sudo().with_context(active_test=False)
        return bool(
            Person.search_count(
                [("id", "=", exchange.detainee_id.id)]
                + Person._siao_portal_domain(user),
                limit=1,
            )
        )

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
            and exchange._siao_officer_may_use(user)
        ):
            return exchange
        return self.browse()

    def message_post(self, **kwargs):
        """The person's referent follows the exchange: they are the one asked."""
        for exchange in self.sudo():
            referent = exchange.detainee_id.user_id.partner_id
            if referent and referent not in exchange.message_partner_ids:
                exchange.message_subscribe(partner_ids=referent.ids)
        return super().message_post(**kwargs)
