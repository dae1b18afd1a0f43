import psycopg2

from odoo import SUPERUSER_ID, _, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.osv.expression import FALSE_DOMAIN

from odoo.addons.portal.controllers.portal import CustomerPortal, pager

PAGE_SIZE = 50


class SiaoPortal(CustomerPortal):
    """The SPIP's side: what an officer with a portal account may see of the persons
    they follow, read as superuser behind one rule (``_siao_portal_domain``)."""

    def _siao_persons(self):
        Person = request.env["siao.detainee"]
        return Person.sudo().with_context(
            active_test=False
        ), Person._siao_portal_domain(request.env.user)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "siao_person_count" in counters:
            Person, domain = self._siao_persons()
            values["siao_person_count"] = Person.search_count(domain)
        return values

    @http.route(
        ["/my/siao", "/my/siao/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def siao_portal_persons(self, page=1, **kw):
        Person, domain = self._siao_persons()
        count = Person.search_count(domain)
        page_pager = pager(url="/my/siao", total=count, page=page, step=PAGE_SIZE)
        persons = Person.search(
            domain,
            order="estimated_release_date, name, id",
            limit=PAGE_SIZE,
            offset=page_pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "persons": persons,
                "summaries": persons._siao_portal_summaries(),
                "pager": page_pager,
                "page_name": "siao_persons",
                "default_url": "/my/siao",
                "referral_sent": kw.get("referral") == "sent",
            }
        )
        return request.render("siao_justice.portal_my_siao_persons", values)

    @http.route("/my/siao/<int:person_id>", type="http", auth="user", website=True)
    def siao_portal_person(self, person_id, **kw):
        person = self._siao_portal_person(person_id)
        requests, reservations = person._siao_housing_solution()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "person": person,
                "summary": person._siao_portal_summaries()[person],
                "exchange": person._siao_portal_exchange(request.env.user),
                "attestation": bool(requests or reservations),
                "page_name": "siao_person",
            }
        )
        return request.render("siao_justice.portal_my_siao_person", values)

    @http.route(
        "/my/siao/<int:person_id>/attestation",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def siao_portal_attestation(self, person_id, **kw):
        """The housing solution attestation for the judge, as a PDF; not found
        when the person has no solution (the page offers no link then)."""
        person = self._siao_portal_person(person_id)
        # The portal's rule said the officer may have it: rendered as the
        # superuser, so that the person is named as the judge needs.
        report = request.env["ir.actions.report"].with_user(SUPERUSER_ID)
        try:
            pdf, kind = report._render_qweb_pdf(
                "siao_justice.action_report_housing_attestation", person.ids
            )
        except UserError:
            raise request.not_found() from None
        if kind != "pdf":  # a server run with its tests renders the HTML
            return request.make_response(pdf)
        filename = _("Housing attestation - %(name)s.pdf", name=person.name)
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    # ---- The SPIP's release list ----
    @http.route(
        "/my/siao/release-list",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def siao_portal_release_list(self, upload=None, **post):
        Person = request.env["siao.detainee"]
        if Person._siao_portal_domain(request.env.user) == FALSE_DOMAIN:
            raise request.not_found()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "siao_release_list", "result": None, "error": None})
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    values["result"] = Person._siao_portal_import(
                        request.env.user,
                        upload.read() if upload else b"",
                        upload.filename if upload else "",
                    )
            except (UserError, ValidationError, AccessError) as exc:
                values["error"] = exc.args[0]
        return request.render("siao_justice.portal_my_siao_release_list", values)

    def _siao_portal_person(self, person_id):
        """The person, if the logged-in officer may see them; else not found (a
        guessed id, another officer's person, a person without consent, an archived
        or anonymised file look the same: they do not exist)."""
        Person, domain = self._siao_persons()
        person = Person.search([("id", "=", person_id)] + domain, limit=1)
        if not person:
            raise request.not_found()
        return person

    # ---- Referral from the SPIP (the liaison form) ----
    @http.route(
        "/my/siao/referral",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def siao_portal_referral(self, **post):
        Person = request.env["siao.detainee"]
        if Person._siao_portal_domain(request.env.user) == FALSE_DOMAIN:
            raise request.not_found()
        error = None
        if request.httprequest.method == "POST":
            try:
                values = self._siao_referral_values(post)
                with request.env.cr.savepoint():
                    Person._siao_portal_referral(
                        request.env.user,
                        values,
                        needs=(post.get("needs") or "").strip(),
                    )
            except (UserError, ValidationError, AccessError) as exc:
                error = exc.args[0]
            except psycopg2.IntegrityError:
                # Two referrals at once for one prison number: the one recorded
                # first is found when the form is sent again (naming no one).
                error = _(
                    "Another referral was being recorded at the same moment: "
                    "send the form again."
                )
            else:
                return request.redirect("/my/siao?referral=sent")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "siao_referral",
                "prisons": request.env["res.partner"]
                .sudo()
                .search([("siao_partner_type", "=", "prison")], order="name"),
                "error": error,
                "post": post,
            }
        )
        return request.render("siao_justice.portal_my_siao_referral", values)

    @staticmethod
    def _siao_referral_values(post):
        """The form's values as the file's fields, or a clear error."""
        values = {}
        for name in ("last_name", "first_name", "prison_number"):
            values[name] = (post.get(name) or "").strip() or False
        if not values["last_name"]:
            raise UserError(_("Give the person's last name."))
        for name, label in (
            ("birthdate", _("birth date")),
            ("incarceration_date", _("date of incarceration")),
            ("expected_release_date", _("expected release date")),
            ("consent_date", _("date of the consent")),
        ):
            raw = (post.get(name) or "").strip()
            try:
                values[name] = fields.Date.to_date(raw) if raw else False
            except ValueError:
                raise UserError(
                    _("The %(field)s is not a date.", field=label)
                ) from None
        for name in ("prison_id", "sentence_months"):
            raw = (post.get(name) or "").strip()
            if raw and not raw.isdigit():
                raise UserError(_("Choose the establishment and give whole months."))
            values[name] = int(raw) if raw else False
        prison = request.env["res.partner"].sudo().browse(values["prison_id"]).exists()
        if not prison or prison.siao_partner_type != "prison":
            raise UserError(_("Choose the establishment."))
        values["legal_status"] = post.get("legal_status") or "convicted"
        values["consent_scope"] = post.get("consent_scope")
        return values
