from odoo import api, models

from .record_tools import is_person_record, masked_name

# Changes after which the followers and activities of a file are checked again.
FOLLOWERS_CHECKED_ON = {
    "detainee_id",
    "user_id",
    "confidential",
    "consent_date",
    "consent_scope",
    "spip_referent_id",
    "active",
    "company_id",
}


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # Around Odoo's own create and write, which add the followers (the creator,
    # the people assigned) once the records are saved.
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if is_person_record(records):
            records._keep_to_readers()
        return records

    def write(self, vals):
        result = super().write(vals)
        if FOLLOWERS_CHECKED_ON & set(vals) and is_person_record(self):
            self._keep_to_readers()
            if self._name == "siao.detainee":
                for records in self._owned_records().values():
                    if is_person_record(records):
                        records._keep_to_readers()
            elif "detainee_id" in self._fields:
                # A measure handed over: its former worker no longer reads the file.
                self.sudo().detainee_id._keep_to_readers()
        return result

    @api.model
    def get_views(self, views, options=None):
        """Who may not change a record of the addon is not offered to schedule an
        activity on it (the chatter's "Activities" button would end in an access
        error)."""
        res = super().get_views(views, options)
        info = res["models"].get(self._name, {})
        if (
            self._name.startswith("siao.")
            and info.get("has_activities")
            and not self.browse().has_access("write")
        ):
            info["has_activities"] = False
        return res

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """A message on a record of a person's support (a request, a measure, a
        place held) is a contact with the person. A file's messages reach only
        those who may receive it (its readers; outside partners its consent
        covers); a confidential file's name no one in their header. Nothing is
        written on a limited file, nor on its records, but by the application's own
        notices."""
        person_record = is_person_record(self)
        if person_record and not self.env.su:
            self._check_frozen([{}], creating=False)
        if person_record and len(self) == 1 and self._person() is not None:
            if self._keeps_name_out():
                kwargs["record_name"] = masked_name(self.env)
            if kwargs.get("partner_ids"):
                partners = self.env["res.partner"].sudo().browse(kwargs["partner_ids"])
                kwargs["partner_ids"] = [
                    partner.id for partner in partners if self._may_receive(partner)
                ]
        message = super().message_post(**kwargs)
        if person_record:
            self._contact_made()
        return message

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Nobody follows a file who may not receive it."""
        result = super().message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids
        )
        if is_person_record(self):
            self._keep_to_readers(reassign=False)
        return result
