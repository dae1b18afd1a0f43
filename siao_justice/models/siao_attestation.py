"""The housing attestation for the judge, as a living record: issuing it records
it (its number, its day, who issued it, the solution it states, the day the
place is available from) with a short verification code; a clerk checks the code
on a public page that says *valid* or *withdrawn on <day>* and nothing else.
When the solution it states falls (the request refused or cancelled, the place
held ended or taken), the attestation is withdrawn by itself, and the referent
and the SPIP officers who follow the person are told."""

import hashlib
import hmac
import ipaddress
import secrets

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date

# The verification code: 10 characters a clerk reads without doubt (no 0/O, 1/I).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# Checks a visitor may make on the public page, per hour.
CHECKS_PER_HOUR = 20
WITHDRAWAL_REASONS = [
    ("solution_fell", "The solution it states is no longer held"),
    ("replaced", "Replaced by a new attestation"),
]


def visitor_key(env, address):
    """Who asks the public page, as a key that keeps no address: an IPv4
    address, or the /64 network of an IPv6 one (one host holds a whole /64),
    keyed with the database's secret (no one can find the address back by
    hashing every address)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        who = address or ""
    else:
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped:
            who = str(mapped)
        elif ip.version == 6:
            who = str(ipaddress.ip_network(f"{ip}/64", strict=False))
        else:
            who = str(ip)
    secret = env["ir.config_parameter"].sudo().get_param("database.secret") or ""
    return hmac.new(secret.encode(), who.encode(), hashlib.sha256).hexdigest()


def normalise_code(text):
    """A code as typed (spaces, dashes, lower case) in its stored form."""
    return "".join(c for c in (text or "").upper() if c.isalnum())[: CODE_LENGTH * 2]


class SiaoAttestation(models.Model):
    _name = "siao.attestation"
    _description = "Housing attestation issued"
    _inherit = ["siao.person.record"]
    _order = "issued_on desc, id desc"
    # Its number and code are references, not free text: kept when the file is
    # anonymised (the public page still answers for them).
    _siao_references = ("name", "code")

    name = fields.Char(string="Number", required=True, readonly=True)
    code = fields.Char(string="Verification code", required=True, readonly=True)
    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    request_id = fields.Many2one("siao.request", readonly=True, ondelete="set null")
    reservation_id = fields.Many2one(
        "siao.housing.reservation", readonly=True, ondelete="set null"
    )
    solution = fields.Char(string="Solution stated", readonly=True)
    available_from = fields.Date(string="Place available from", readonly=True)
    issued_on = fields.Date(readonly=True)
    issued_by_id = fields.Many2one("res.users", string="Issued by", readonly=True)
    state = fields.Selection(
        [("valid", "Valid"), ("withdrawn", "Withdrawn")],
        default="valid",
        required=True,
        readonly=True,
        index=True,
    )
    withdrawn_on = fields.Date(readonly=True)
    withdrawal_reason = fields.Selection(WITHDRAWAL_REASONS, readonly=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Two attestations cannot share a code."),
        (
            "one_valid",
            "",  # the partial unique index created in init()
            "A person has one valid housing attestation: print it again.",
        ),
    ]

    @api.depends("name", "detainee_id")
    def _compute_display_name(self):
        for attestation in self:
            attestation.display_name = _(
                "%(number)s – %(person)s",
                number=attestation.name,
                person=attestation.detainee_id.display_name,
            )
        self._hide_unreadable_names()

    def _formatted_code(self):
        self.ensure_one()
        half = CODE_LENGTH // 2
        return f"{self.code[:half]}-{self.code[half:]}"

    # ---- Issuing ----
    @api.model
    def _issue(self, person, request, reservation, solution, available_from, issuer):
        """The attestation of ``person``'s solution: the one already valid for the
        same solution, else a new one (the previous valid ones are replaced)."""
        Attestation = self.sudo()
        # Two prints at once for one person: the second waits for the first and
        # is retried (its snapshot is older than the first's attestation), then
        # finds it; PostgreSQL keeps one valid attestation per person in any case.
        self.env.cr.execute(
            "UPDATE siao_detainee SET write_date = write_date WHERE id = %s",
            [person.id],
        )
        valid = Attestation.search(
            [("detainee_id", "=", person.id), ("state", "=", "valid")]
        )
        same = valid.filtered(
            lambda a: a.request_id == request and a.reservation_id == reservation
        )[:1]
        if same:
            return same
        valid._withdraw("replaced")
        self.env.flush_all()  # withdrawn before the new one is valid
        company = person.sudo().company_id
        today = company.siao_today()
        sequence = self.env["ir.sequence"].sudo().next_by_code("siao.attestation")
        new = Attestation.create(
            {
                "name": sequence or f"ATT-{today.year}",
                "code": "".join(
                    secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)
                ),
                "detainee_id": person.id,
                "request_id": request.id,
                "reservation_id": reservation.id,
                "solution": solution,
                "available_from": available_from,
                "issued_on": today,
                "issued_by_id": issuer.id,
            }
        )
        valid._tell_withdrawn(replaced_by=new)
        return new

    # ---- Staying true ----
    def _withdraw(self, reason):
        valid = self.filtered(lambda a: a.state == "valid")
        for attestation in valid:
            attestation.sudo().write(
                {
                    "state": "withdrawn",
                    "withdrawn_on": attestation.company_id.siao_today(),
                    "withdrawal_reason": reason,
                }
            )
        if reason == "solution_fell":
            valid._tell_withdrawn()

    @api.model
    def _recheck(self, persons):
        """Withdraw the valid attestations of ``persons`` whose solution is no
        longer one (by the one definition of a housing solution)."""
        valid = self.sudo().search(
            [("detainee_id", "in", persons.ids), ("state", "=", "valid")]
        )
        fallen = self.browse()
        for person in valid.detainee_id.with_context(active_test=False):
            if not person.active or person.state == "closed" or person.anonymised:
                # A file closed, archived or anonymised attests nothing any more.
                fallen |= valid.filtered(lambda a, p=person: a.detainee_id == p)
                continue
            requests, reservations = person._housing_solution()
            fallen |= valid.filtered(
                lambda a, p=person, r=requests, b=reservations: a.detainee_id == p
                and not (a.request_id and a.request_id in r)
                and not (a.reservation_id and a.reservation_id in b)
            )
        fallen._withdraw("solution_fell")
        return fallen

    def _cron_recheck(self):
        """Nightly: a place held ends on its day, without a write."""
        valid = self.sudo().search([("state", "=", "valid")])
        self._recheck(valid.detainee_id)
        # The public page's counts of a day ago are no one's business any more.
        self.env.cr.execute(
            "DELETE FROM siao_attestation_check "
            "WHERE hour < (now() at time zone 'UTC') - interval '1 day'"
        )

    def _tell_withdrawn(self, replaced_by=None):
        """The referent gets an activity (when the solution fell); each SPIP
        officer who follows the person on the portal, a message in their
        exchange about the person (replaced: the new attestation's number)."""
        for attestation in self.sudo():
            person = attestation.detainee_id
            said = (
                _(
                    "The housing attestation %(number)s (code %(code)s) issued on "
                    "%(day)s is replaced by the attestation %(new)s (code "
                    "%(new_code)s): give the court the new one.",
                    number=attestation.name,
                    code=attestation._formatted_code(),
                    day=format_date(self.env, attestation.issued_on),
                    new=replaced_by.name,
                    new_code=replaced_by._formatted_code(),
                )
                if replaced_by
                else _(
                    "The housing attestation %(number)s (code %(code)s) issued on "
                    "%(day)s is withdrawn: the solution it states is no longer "
                    "held.",
                    number=attestation.name,
                    code=attestation._formatted_code(),
                    day=format_date(self.env, attestation.issued_on),
                )
            )
            if person.user_id and not replaced_by:
                person.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_("Attestation withdrawn: tell the court the new solution"),
                    note=said,
                    user_id=person.user_id.id,
                )
            for exchange in (
                self.env["siao.spip.exchange"]
                .sudo()
                .search([("detainee_id", "=", person.id)])
            ):
                exchange.message_post(
                    body=said,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    author_id=self.env.ref("base.partner_root").id,
                )

    # ---- The public check ----
    @api.model
    def _public_answer(self, code, visitor):
        """What the public page says of ``code`` for ``visitor`` (a key of who
        asks, hashed by the caller): ('valid', day), ('withdrawn', day),
        ('unknown', None), or ('too_many', None) past CHECKS_PER_HOUR checks in
        the hour. The same one indexed query for any code, known or not."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO siao_attestation_check (visitor, hour, checks)
                   VALUES (%s, date_trunc('hour', now() at time zone 'UTC'), 1)
                   ON CONFLICT (visitor, hour)
                   DO UPDATE SET checks = siao_attestation_check.checks + 1
                   RETURNING checks""",
                visitor,
            )
        )
        if self.env.cr.fetchone()[0] > CHECKS_PER_HOUR:
            return "too_many", None
        self.env.cr.execute(
            SQL(
                "SELECT state, issued_on, withdrawn_on FROM siao_attestation "
                "WHERE code = %s",
                normalise_code(code),
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return "unknown", None
        state, issued_on, withdrawn_on = row
        return state, withdrawn_on if state == "withdrawn" else issued_on

    def init(self):
        # One valid attestation per person: what an older version left beside a
        # newer one is replaced, then PostgreSQL keeps it so.
        self.env.cr.execute(
            """UPDATE siao_attestation a
                  SET state = 'withdrawn', withdrawal_reason = 'replaced',
                      withdrawn_on = a.issued_on
                WHERE a.state = 'valid'
                  AND EXISTS (SELECT 1 FROM siao_attestation b
                               WHERE b.detainee_id = a.detainee_id
                                 AND b.state = 'valid' AND b.id > a.id)"""
        )
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS siao_attestation_one_valid
                   ON siao_attestation (detainee_id) WHERE state = 'valid'"""
        )
        self.env.cr.execute(
            """CREATE TABLE IF NOT EXISTS siao_attestation_check (
                   visitor varchar NOT NULL,
                   hour timestamp NOT NULL,
                   checks integer NOT NULL,
                   PRIMARY KEY (visitor, hour)
               )"""
        )
