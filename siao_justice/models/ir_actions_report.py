from odoo import models

from .siao_access_log import record_access


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _prepare_html(self, html, report_model=False):
        """The addon's documents (every PDF report of the module) have no
        header nor footer band: wkhtmltopdf builds without patched Qt (as
        Debian's) then render them without complaint."""
        bodies, res_ids, header, footer, paperformat_args = super()._prepare_html(
            html, report_model=report_model
        )
        if self.report_name.partition(".")[0] == "siao_justice":
            header = footer = None
        return bodies, res_ids, header, footer, paperformat_args

    def _render_qweb_html(self, report_ref, docids, data=None):
        """A document of a person's file, or of a record of it (the minutes: of
        the persons of their cases), read by a user is an opening of it, logged
        (``siao.access.log``, the way 'pdf')."""
        report = self._get_report(report_ref)
        Model = self.env[report.model] if report.model in self.env else None
        if docids and hasattr(Model, "_siao_persons_printed"):
            persons = Model.browse(docids)._siao_persons_printed()
            record_access(self.env, persons.ids, "pdf")
        return super()._render_qweb_html(report_ref, docids, data=data)
