from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager

from ..models.siao_access_log import record_access
from ..models.siao_spip_access import PROPOSALS_PER_DAY
from ..models.siao_spip_proposal import (
    LIST_MAX_BYTES,
    LIST_MAX_ROWS,
    PROPOSALS_PER_UPLOAD,
)

PAGE_SIZE = 50
# The form around the uploaded list (its fields and multipart boundaries).
UPLOAD_FORM_BYTES = 64 * 2**10


class SiaoPortal(CustomerPortal):
    """The SPIP's side: what an officer with a portal account may see of the persons
    they follow, read as superuser behind one rule (``_portal_domain``)."""

    def _siao_persons(self):
        Person = request.env["siao.detainee"]
        return Person.sudo().with_context(active_test=False), Person._portal_domain(
            request.env.user
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "siao_person_count" in counters:
            Person, domain = self._siao_persons()
            values["siao_person_count"] = Person.search_count(domain)
        return values

    # The pages of persons write who read them (siao.access.log): read/write.
    @http.route(
        ["/my/siao", "/my/siao/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def siao_portal_persons(self, page=1, **kw):
        Person, domain = self._siao_persons()
        count = Person.search_count(domain)
        page_pager = pager(url="/my/siao", total=count, page=page, step=PAGE_SIZE)
        persons = Person.search(
            domain,
            order=Person._order,
            limit=PAGE_SIZE,
            offset=page_pager["offset"],
        )
        record_access(request.env, persons.ids, "portal")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "persons": persons,
                "summaries": persons._portal_summaries(),
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
        record_access(request.env, person.ids, "portal")
        requests, reservations = person._housing_solution()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "person": person,
                "summary": person._portal_summaries()[person],
                "exchange": person._portal_exchange(request.env.user),
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
    )
    def siao_portal_attestation(self, person_id, **kw):
        """The housing solution attestation for the judge, as a PDF; not found
        when the person has no solution (the page offers no link then)."""
        person = self._siao_portal_person(person_id)
        # The portal's rule said the officer may have it: rendered as the
        # superuser, so that the person is named as the judge needs.
        report = (
            request.env["ir.actions.report"]
            .with_user(SUPERUSER_ID)
            .with_context(siao_attestation_issuer=request.env.user.id)
        )
        try:
            pdf, kind = report._render_qweb_pdf(
                "siao_justice.action_report_housing_attestation", person.ids
            )
        except UserError:
            raise request.not_found() from None
        record_access(request.env, person.ids, "pdf")
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
        # Past this, werkzeug refuses the body unread (ir.http refuses it first,
        # with the page and its message, when the size is announced).
        max_content_length=LIST_MAX_BYTES + UPLOAD_FORM_BYTES,
    )
    def siao_portal_release_list(self, upload=None, **post):
        if not request.env["siao.spip.access"]._access_of(request.env.user):
            raise request.not_found()
        result = error = None
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    is_file = hasattr(upload, "read")
                    result = request.env["siao.spip.proposal"]._propose_release_list(
                        request.env.user,
                        upload.read(LIST_MAX_BYTES + 1) if is_file else b"",
                        upload.filename if is_file else "",
                    )
            except (UserError, ValidationError, AccessError) as exc:
                error = exc.args[0]
        return self._siao_release_list_page(result, error)

    def _siao_release_list_page(self, result=None, error=None, lazy=True):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "siao_release_list",
                "result": result,
                "error": error,
                "limits": {
                    "rows": LIST_MAX_ROWS,
                    "megabytes": LIST_MAX_BYTES // 2**20,
                    "proposals": PROPOSALS_PER_UPLOAD,
                    "per_day": PROPOSALS_PER_DAY,
                },
            }
        )
        return request.render(
            "siao_justice.portal_my_siao_release_list", values, lazy=lazy
        )

    def _siao_refuse_too_large(self):
        """The page that refuses a list announced larger than the limit, before
        its body is read (ir.http._pre_dispatch); not found for whoever may not
        upload a list."""
        if not request.env["siao.spip.access"]._access_of(request.env.user):
            return request.not_found().get_response()
        page = self._siao_release_list_page(
            error=request.env["siao.spip.proposal"]._too_large_message(), lazy=False
        )
        return request.make_response(page, status=413)

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
        access = request.env["siao.spip.access"]._access_of(request.env.user)
        if not access:
            raise request.not_found()
        Proposal = request.env["siao.spip.proposal"]
        error = None
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    Proposal._propose_referral(request.env.user, post)
            except (UserError, ValidationError, AccessError) as exc:
                error = exc.args[0]
            else:
                return request.redirect("/my/siao?referral=sent")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "siao_referral",
                "prisons": Proposal._prisons(access),
                "supervision_types": request.env["siao.detainee"]
                ._fields["supervision_type"]
                ._description_selection(request.env),
                "error": error,
                "post": post,
            }
        )
        return request.render("siao_justice.portal_my_siao_referral", values)
