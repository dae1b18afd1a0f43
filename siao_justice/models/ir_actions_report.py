from odoo import models

BANDLESS_REPORTS = (
    "siao_justice.report_commission_minutes",
    "siao_justice.report_liaison_sheet",
    "siao_justice.report_housing_attestation",
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _prepare_html(self, html, report_model=False):
        """The addon's documents have no header nor footer band: wkhtmltopdf
        builds without patched Qt (as Debian's) then render them without
        complaint."""
        bodies, res_ids, header, footer, paperformat_args = super()._prepare_html(
            html, report_model=report_model
        )
        if self.report_name in BANDLESS_REPORTS:
            header = footer = None
        return bodies, res_ids, header, footer, paperformat_args
