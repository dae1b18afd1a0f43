from odoo import fields, models


class SiaoAvdlFile(models.Model):
    """One row per AVDL worker and company: their active file. Every change of the
    file writes this row (see ``_lock_active_file``)."""

    _name = "siao.avdl.file"
    _description = "AVDL active file"
    _order = "company_id, user_id"

    user_id = fields.Many2one(
        "res.users", string="AVDL worker", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    change_count = fields.Integer(readonly=True)
    active_count = fields.Integer(
        string="In the active file", compute="_compute_counts"
    )
    waiting_count = fields.Integer(string="Waiting", compute="_compute_counts")
    cap = fields.Integer(related="company_id.siao_avdl_max_active", string="Cap")
    display_file = fields.Char(string="Active file", compute="_compute_counts")

    _sql_constraints = [
        (
            "worker_unique",
            "UNIQUE(user_id, company_id)",
            "One active file per worker and company.",
        )
    ]

    def _compute_counts(self):
        Measure = self.env["siao.avdl.measure"]
        counts = Measure._active_file_counts(
            {(f.user_id.id, f.company_id.id) for f in self}
        )
        waiting = {
            (user.id, company.id): count
            for user, company, count in Measure.sudo()._read_group(
                [("state", "=", "waiting"), ("user_id", "in", self.user_id.ids)],
                ["user_id", "company_id"],
                ["__count"],
            )
        }
        for file in self:
            key = (file.user_id.id, file.company_id.id)
            file.active_count = counts.get(key, 0)
            file.waiting_count = waiting.get(key, 0)
            file.display_file = f"{file.active_count} / {file.cap}"
