"""What the SPIP's portal shows of a person: the one rule of who sees which file, the
summaries of its pages, the exchange with the referent, the housing solution."""

from odoo import api, models
from odoo.osv import expression

from .siao_rules import normalise_text


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    # ==== The SPIP's portal ====
    @api.model
    def _portal_domain(self, user):
        """The one rule of what a SPIP officer with a portal account sees: the files
        of their company they are SPIP referent of (a SPIP social worker: also those
        of their SPIP, where the company says so), shared with the SPIP by the
        person's consent (``sharing_group_id``: consent covering the SPIP, not
        confidential), neither archived nor anonymised. Who is an officer, of which
        SPIP and company, is the coordinators' decision (``siao.spip.access``).
        Nothing for anyone else."""
        access = self.env["siao.spip.access"]._access_of(user)
        if not access:
            return expression.FALSE_DOMAIN
        mine = [("spip_referent_id", "=", access.partner_id.id)]
        if (
            access.role == "social_worker"
            and access.company_id.siao_portal_spip_service
        ):
            # The SPIP's staff is who holds an access of it: never read from a
            # contact's company, which anyone may edit.
            colleagues = access.search(
                [("spip_id", "=", access.spip_id.id), ("active", "=", True)]
            )
            mine = [("spip_referent_id", "in", colleagues.partner_id.ids)]
        readers = self.env.ref("siao_justice.group_siao_reader")
        return expression.AND(
            [
                [
                    ("company_id", "=", access.company_id.id),
                    ("active", "=", True),
                    ("anonymised", "=", False),
                    ("referral_to_confirm", "=", False),
                    ("sharing_group_id", "=", readers.id),
                ],
                mine,
            ]
        )

    def _portal_summaries(self):
        """{person: what the SPIP's portal shows beyond the file's own fields}: the
        steps of the current request, the next commission, the last decision, the
        AVDL measure and the person's wishes in force; read in a fixed number of
        queries, whatever the number of persons."""
        persons = self.sudo()
        steps = (
            self.env["siao.request.history"]
            .sudo()
            .search(
                [("request_id", "in", persons.current_request_id.ids)],
                order="date, id",
            )
        )
        lines = (
            self.env["siao.commission.line"]
            .sudo()
            .search([("detainee_id", "in", persons.ids)], order="id")
        )
        measures = (
            self.env["siao.avdl.measure"]
            .sudo()
            .search([("detainee_id", "in", persons.ids)], order="referral_date, id")
        )
        meetings = lines.meeting_id
        coming = meetings.filtered_domain(meetings._coming_domain())
        summaries = {
            person: {
                "steps": steps.browse(),
                "next_meeting": False,
                "last_decision": False,
                "measure": False,
                "wish": person.current_wish_id,
                "attestations": person.attestation_ids,
                "hearings": person.hearing_ids,
            }
            for person in persons
        }
        for step in steps:
            summary = summaries.get(step.request_id.detainee_id)
            if summary is not None:
                summary["steps"] |= step
        for line in lines.sorted(lambda line: line.meeting_id.date):
            summary = summaries[line.detainee_id]
            meeting = line.meeting_id
            if meeting.state == "closed" and line.decision:
                summary["last_decision"] = line
            elif meeting in coming and not summary["next_meeting"]:
                summary["next_meeting"] = meeting
        for measure in measures:
            summary = summaries[measure.detainee_id]
            if (
                measure.is_open
                or not summary["measure"]
                or not summary["measure"].is_open
            ):
                summary["measure"] = measure
        return summaries

    def _portal_exchange(self, user):
        """The thread between ``user``, an officer who sees this person on the
        portal, and the person's referent; opened on the officer's first visit,
        followed by both."""
        self.ensure_one()
        Exchange = self.env["siao.spip.exchange"].sudo()
        exchange = Exchange.search(
            [("detainee_id", "=", self.id), ("partner_id", "=", user.partner_id.id)],
            limit=1,
        )
        if not exchange:
            exchange = Exchange.with_context(mail_create_nosubscribe=True).create(
                {"detainee_id": self.id, "partner_id": user.partner_id.id}
            )
            exchange.message_subscribe(
                partner_ids=(user.partner_id | self.sudo().user_id.partner_id).ids
            )
        exchange._portal_ensure_token()
        return exchange

    @api.model
    def _coordinators(self, company):
        """The coordinators of ``company``: who is asked to look at what the SPIP
        sends from the portal."""
        return (
            self.env.ref("siao_justice.group_siao_manager")
            .sudo()
            .users.filtered(lambda u: not u.share and company in u.company_ids)
        )

    @api.model
    def _referral_match(self, probe):
        """(file, number_taken) for a referral: the file it is added to, one the
        duplicate banner finds with the same identity (last name, first name,
        birth date) or with the same prison number and last name; and whether
        the prison number given is another file's (the referral then gets a file
        of its own without it, for the coordinators to check). Nothing of this
        reaches the officer: their answer is the same in every case."""
        found = probe.duplicate_ids._origin
        identity = probe._identity_key()
        same = found.filtered(lambda p: identity and p._identity_key() == identity)
        if same:
            return same[:1], False
        prison_key = probe._prison_key()
        numbered = found.filtered(
            lambda p: prison_key and p._prison_key() == prison_key
        )
        if numbered and normalise_text(numbered[:1].last_name) == normalise_text(
            probe.last_name
        ):
            return numbered[:1], False
        return found.browse(), bool(numbered)
