import base64
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SiaoCpomReportWizard(models.TransientModel):
    """The period and the companies of a CPOM workbook (the report
    ``report_cpom_workbook`` writes it)."""

    _name = "siao.cpom.report.wizard"
    _inherit = ["siao.input.validation"]
    _description = "CPOM workbook"

    date_from = fields.Date(
        required=True, default=lambda self: self._default_period()[0]
    )
    date_to = fields.Date(required=True, default=lambda self: self._default_period()[1])
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    file_data = fields.Binary(string="Workbook", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.model
    def _default_period(self):
        """The last calendar year, the one a CPOM report covers; the current year
        to date when the last one holds nothing yet (a new install)."""
        today = self.env.company.siao_today()
        start, end = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
        dated = (
            ("siao.request", "request_date"),
            ("siao.avdl.measure", "referral_date"),
            ("siao.detainee", "actual_release_date"),
        )
        if any(
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([(name, ">=", start), (name, "<=", end)], limit=1)
            for model, name in dated
        ):
            return start, end
        return date(today.year, 1, 1), today

    @api.constrains("company_ids")
    def _check_companies(self):
        """The workbook covers only companies its user works in (cut before
        anything is read)."""
        for wizard in self:
            if wizard.company_ids - self.env.user.company_ids:
                raise ValidationError(
                    _("The workbook covers only the companies you work in.")
                )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(_("The period ends before it starts."))

    def _render_workbook(self):
        """The workbook, printed by the CPOM report (``report_cpom_workbook``)."""
        return self.env["ir.actions.report"]._render_xlsx(
            "siao_justice.report_cpom_workbook", self.ids, None
        )[0]

    def action_export(self):
        """Print the workbook, leave it on the wizard (``file_data``, for scripts)
        and download it."""
        self.ensure_one()
        content = self._render_workbook()
        self.write(
            {
                "file_data": base64.b64encode(content),
                "file_name": f"CPOM_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            # The type is given: guessing it from the first bytes of a zip fails.
            "url": f"/web/content/{self._name}/{self.id}/file_data/{self.file_name}"
            f"?download=true&mimetype={XLSX_MIMETYPE}",
            "target": "self",
        }
