from odoo import _, api, models
from odoo.exceptions import ValidationError

from .record_tools import readable_by


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        activities._siao_check_files()
        return activities

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "res_model", "res_model_id", "res_id"} & set(vals):
            self._siao_check_files()
        return result

    def _siao_check_files(self):
        """On the addon's records, an activity is assigned to someone who may read
        the record (its summary, its note and the record's name are theirs to
        read), and it is moved onto a record only by someone who may change it."""
        if self.env.su:
            return  # the addon's jobs assign to the file's referent or worker
        groups = {}
        for activity in self.sudo():
            if activity.res_model and activity.res_model.startswith("siao."):
                key = (activity.res_model, activity.user_id)
                groups.setdefault(key, set()).add(activity.res_id)
        for (model, user), ids in groups.items():
            records = self.env[model].browse(ids)
            records.check_access("write")
            if user and readable_by(records, user) != records:
                raise ValidationError(
                    _(
                        "This activity is assigned to someone who cannot read the "
                        "file: assign it to its referent or a coordinator."
                    )
                )
