from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.report import ReportController


class SiaoReportController(ReportController):
    """A document of a person's file is logged when it is read (``siao.access.log``):
    the addon's documents run on a read/write cursor; every other report keeps
    Odoo's read-only one. Decided from the path alone (no database here)."""

    def _siao_report_readonly(self):
        name = request.httprequest.path.split("/")[3:4]
        return not (name and name[0].startswith("siao_justice."))

    @http.route(readonly=_siao_report_readonly)
    def report_routes(self, reportname, docids=None, converter=None, **data):
        return super().report_routes(
            reportname, docids=docids, converter=converter, **data
        )
