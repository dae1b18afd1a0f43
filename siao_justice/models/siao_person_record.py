"""What a person's records go through, beside the boundary's value checks."""

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from .record_tools import masked_name, readable, readable_by


class SiaoPersonRecord(models.AbstractModel):
    """A person's file, or a record of it (a stay, a request, a measure, a case,
    a booking...: any model that stores its person, or a required link to a record
    that does). On top of the boundary: a record stays with its person; a file
    whose processing is limited changes in nothing; a name is shown only to who
    may read the file (one masked name otherwise); the followers and the open
    activities stay with its readers; an act of support moves the person's last
    contact. A test checks that these models, and no other, inherit it (the log
    of who read a file, ``siao_access_log.py``, is on every model of the addon:
    a meeting's form reads its cases)."""

    _name = "siao.person.record"
    _inherit = "siao.input.validation"
    _description = "SIAO Justice record of a person"

    # Changes to these records are acts of support: they move the person's last
    # contact (retention counts from it).
    _support_act = False

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._contact_made()
        return records

    def write(self, vals):
        result = super().write(vals)
        if vals:
            self._contact_made()
        return result

    # ---- Where a record goes: its person ----
    def _check_placement(self, vals_list, creating):
        if not creating:
            self._check_same_person(vals_list)
        result = super()._check_placement(vals_list, creating)
        self._check_frozen(vals_list, creating)
        return result

    def _check_same_person(self, vals_list):
        """A record stays with its person: moving it to another file would show
        its history (messages, tracked values) to that file's readers."""
        if self.env.su or "detainee_id" not in self._fields or self._transient:
            return
        for vals in vals_list:
            if "detainee_id" in vals and any(
                record.detainee_id and record.detainee_id.id != vals["detainee_id"]
                for record in self
            ):
                raise ValidationError(
                    _(
                        "A record stays with its person's file: create a new one "
                        "for the other person."
                    )
                )

    def _check_frozen(self, vals_list, creating):
        """A file whose processing the person asked to limit (RGPD art. 18) is
        read-only for everyone, with everything of it (found from the registry,
        through the records it owns): only a coordinator's act lifts it
        (``action_unfreeze``)."""
        if self.env.su or self._transient:
            return
        Person = self.env["siao.detainee"].sudo()
        persons = Person if creating else self._persons_read().sudo()
        for model, fname in Person._belonging_fields():
            if model != self._name:
                continue
            parents = (
                self.env[self._fields[fname].comodel_name]
                .sudo()
                .browse(
                    vals[fname]
                    for vals in vals_list
                    # An id; any other value is the type checks' to refuse.
                    if type(vals.get(fname)) is int
                )
            )
            persons |= parents._persons_read().sudo()
        if persons.filtered("frozen"):
            raise UserError(
                _(
                    "The processing of this file is limited at the person's request: "
                    "nothing of it changes until a coordinator lifts the limitation."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_nothing_of_a_limited_file(self):
        self._check_frozen([{}], creating=False)

    # ---- Whose name is shown ----
    def _person(self):
        """The file this record is, or belongs to, as superuser (empty for a record
        of a record, which names its file through its parent)."""
        self.ensure_one()
        if self._name == "siao.detainee":
            return self.sudo()
        return self.sudo()["detainee_id"] if "detainee_id" in self._fields else None

    def _hide_unreadable_names(self):
        """Give the records the caller may not read a display name that names no
        one. Called at the end of each display-name compute of the addon."""
        for record in self - readable(self):
            record.display_name = masked_name(self.env)

    def _keeps_name_out(self):
        """Whether this record is, or belongs to, a confidential file."""
        person = self._person()
        return bool(person and person.confidential)

    # ---- Who receives it ----
    def _may_receive(self, partner):
        """Whether ``partner`` may be sent this record (a follower, a recipient): a
        user of the association who reads it; an outside partner (a contact, a
        portal user) only when the person's consent covers them, and never for a
        confidential file."""
        self.ensure_one()
        person = self._person()
        internal = partner.user_ids.filtered(lambda user: not user.share)
        if internal:
            return any(readable_by(self, user) for user in internal)
        return bool(
            person and not person.confidential and person._consent_covers(partner)
        )

    def _keep_to_readers(self, reassign=True):
        """A file, and its records, are followed only by those who may receive them
        (_may_receive: its messages are sent to them), and its open activities
        are assigned to those who read it: others are removed and, with
        ``reassign``, their activities go to the file's referent."""
        if "message_follower_ids" not in self._fields:
            return
        for record in self.sudo():
            person = record._person()
            if not person:
                continue
            for follower in record.message_follower_ids:
                if not record._may_receive(follower.partner_id):
                    follower.unlink()
            activities = record["activity_ids"] if "activity_ids" in record else ()
            for activity in activities if reassign else ():
                if not readable_by(record, activity.user_id):
                    referent = person.user_id
                    activity.user_id = (
                        referent if readable_by(record, referent) else False
                    )

    # ---- Contact with the person ----
    def _contact_made(self):
        if (
            self._support_act
            and self
            and not self.env.context.get("siao_not_a_contact")
        ):
            self.sudo().detainee_id._touch_last_contact()
