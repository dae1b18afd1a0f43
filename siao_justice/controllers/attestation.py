from odoo import http
from odoo.http import request

from ..models.siao_attestation import visitor_key
from ..report.siao_housing_attestation import VERIFY_ROUTE


class SiaoAttestationCheck(http.Controller):
    """The public page where a court clerk checks an attestation's code: no
    login, no personal data, a limited number of checks per visitor."""

    @http.route(
        VERIFY_ROUTE,
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def siao_attestation_check(self, code=None, **kw):
        values = {"code": code or "", "answer": None, "day": None}
        status = 200
        if code:
            # Who asks, as a key that keeps no address.
            visitor = visitor_key(request.env, request.httprequest.remote_addr)
            answer, day = (
                request.env["siao.attestation"].sudo()._public_answer(code, visitor)
            )
            values.update(answer=answer, day=day)
            status = 429 if answer == "too_many" else 200
        response = request.render("siao_justice.attestation_check_page", values)
        response.status_code = status
        return response
