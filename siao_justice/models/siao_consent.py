"""Consent as a record (RGPD art. 7): each consent given is kept, with its date,
its scope and how it was given (the signed form attached, the reply slip, an
interview...), and a withdrawal is an act with its date. The file's
``consent_date`` and ``consent_scope`` are the consent in force; every change of
them leaves its record here, whoever makes it."""

from odoo import fields, models

CONSENT_WAYS = [
    ("interview", "In an interview"),
    ("office_hours", "At office hours in prison"),
    ("signed_form", "Signed form"),
    ("reply_slip", "Reply slip of a letter"),
    ("spip", "Through the SPIP"),
    ("file", "Recorded on the file"),
]
# The context key by which a caller says how the consent being written was given.
CONSENT_HOW = "siao_consent_how"
# The context key of a consent the caller records itself, with a mark a client
# cannot send (a Python object; JSON carries none).
RECORDED = "siao_consent_recorded"
MARK = object()


class SiaoConsent(models.Model):
    _name = "siao.consent"
    _description = "Consent of the person"
    _inherit = ["siao.person.record"]
    _order = "date desc, id desc"

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    kind = fields.Selection(
        [("given", "Consent given"), ("withdrawn", "Consent withdrawn")],
        required=True,
        readonly=True,
    )
    date = fields.Date(required=True, readonly=True)
    scope = fields.Selection(
        lambda self: self.env["siao.detainee"]._fields["consent_scope"].selection,
        readonly=True,
    )
    how = fields.Selection(CONSENT_WAYS, required=True, readonly=True, default="file")
    document = fields.Binary(string="Signed form", attachment=True)
    document_name = fields.Char()
    note = fields.Char()
    user_id = fields.Many2one(
        "res.users", string="Recorded by", readonly=True, default=lambda s: s.env.user
    )
