"""What belongs to a person, found from the registry: every record of the addon that
points at the file (or at a record of it), the guard on deleting a file with a
history, the company its records stay in, and a coordinator's move of a file with all
of them to another company."""

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from .record_tools import is_coordinator_of, of_another_company


class SiaoDetainee(models.Model):
    _inherit = "siao.detainee"

    # ---- What belongs to a person ----
    @api.model
    @tools.ormcache()
    def _belonging_fields(self):
        """The records that belong to a person, found from the registry: each
        (model, field) where ``field`` is a many2one the model stores to a person
        (any such field), or a required one to a record that belongs to a person;
        a parent comes before its children."""
        found, owners, grew = [], {self._name}, True
        while grew:
            grew = False
            for name in sorted(self.env.registry):
                model = self.env[name]
                if (
                    model._abstract
                    or not model._auto
                    or name == self._name
                    or getattr(model, "_siao_apart", False)
                ):
                    continue
                not_owning = getattr(model, "_siao_not_owning", ())
                for fname, field in model._fields.items():
                    if (
                        fname not in not_owning
                        and field.type == "many2one"
                        and field.store
                        and not field.compute
                        and not field.related
                        and field.comodel_name in owners
                        and (field.required or field.comodel_name == self._name)
                        and (name, fname) not in found
                    ):
                        found.append((name, fname))
                        if name not in owners:
                            owners.add(name)
                            grew = True
        return tuple(found)

    def _owned_records(self):
        """{model: records} of everything that belongs to these persons (archived
        records included), read as superuser."""
        owned = {self._name: self.sudo().with_context(active_test=False)}
        for model, fname in self._belonging_fields():
            parent = self.env[model]._fields[fname].comodel_name
            records = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search([(fname, "in", owned[parent].ids)])
                if owned.get(parent)
                else self.env[model].browse()
            )
            owned[model] = owned.get(model, self.env[model].browse()) | records
        del owned[self._name]
        return owned

    def action_move_to_company(self, company_id, consent_date=None):
        """A coordinator of both companies moves files to the other at once: a
        handover proposed and accepted in one step (``siao.file.handover``),
        with the day of the person's consent when the sending company's rules
        ask for it."""
        company = self.env["res.company"].browse(company_id).exists()
        user = self.env.user
        if not user.has_group("siao_justice.group_siao_manager"):
            raise AccessError(_("Only a coordinator moves a file to another company."))
        if not company or not (company | self.company_id) <= user.company_ids:
            raise AccessError(
                _("A file moves only between companies you both work in.")
            )
        Handover = self.env["siao.file.handover"]
        for person in self:
            Handover.create(
                {
                    "detainee_id": person.id,
                    "to_company_id": company.id,
                    "consent_date": consent_date or False,
                }
            ).action_accept()
        return True

    # ---- Handed over to another département ----
    handed_over = fields.Boolean(
        readonly=True,
        copy=False,
        help="The file was handed over from another département: its past "
        "counts for the company it happened in.",
    )
    handover_ids = fields.One2many(
        "siao.file.handover", "detainee_id", string="Handovers", readonly=True
    )

    def action_open_handover(self):
        """The form of a handover of this file to another département (a
        coordinator's), the one under way if any."""
        self.ensure_one()
        self._check_can_hand_over()
        current = self.handover_ids.filtered(lambda h: h.state == "proposed")[:1]
        action = {
            "type": "ir.actions.act_window",
            "name": _("Hand over to another département"),
            "res_model": "siao.file.handover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_detainee_id": self.id},
        }
        if current:
            action["res_id"] = current.id
        return action

    def _check_can_hand_over(self, sending=True):
        """A coordinator of the file's company hands over a file that is open,
        not limited, and whose support in its département has ended (an AVDL
        measure, a place held: ``_support_under_way``; a case on a commission
        to come). An open SIAO request goes with it."""
        self.ensure_one()
        if sending and not (
            self.env.su or is_coordinator_of(self.env.user, self.company_id)
        ):
            raise AccessError(
                _("Only a coordinator of its département hands a file over.")
            )
        if sending:
            self.check_access("write")
        person = self.sudo()
        if person.anonymised or person.state == "closed" or not person.active:
            raise UserError(_("Only an open file is handed over."))
        if person.frozen:
            raise UserError(
                _(
                    "The processing of this file is limited at the person's request: "
                    "nothing of it changes until a coordinator lifts the limitation."
                )
            )
        under_way = person._support_under_way(requests=False)
        if (
            self.env["siao.commission.line"]
            .sudo()
            .search_count(
                [
                    ("detainee_id", "=", person.id),
                    ("meeting_id.state", "!=", "closed"),
                ],
                limit=1,
            )
        ):
            under_way.append(_("a case on a commission to come"))
        if under_way:
            raise UserError(
                _(
                    "Support is under way in its département (%(what)s): end it "
                    "before handing the file over.",
                    what=", ".join(under_way),
                )
            )

    def _move_to_company(self, company, user, keep_history=False, transfer=None):
        """Move these files to ``company`` with every record of their own
        (stays, requests, measures, rights, alerts...), as the superuser, ``user``
        their referent unless their referent works there too; a SPIP of the
        company they leave is theirs no more. With ``keep_history``, the records
        that are the company's own (a commission's cases, the bookings of its
        places: their company is their meeting's or their place's) stay where
        they are. ``transfer``: (prison, prison number, day) of a transfer to a
        prison of ``company``, recorded with the move."""
        persons = self.sudo().with_context(active_test=False, siao_company_move=True)
        if not transfer and any(
            person.state == "detained" and of_another_company(person.prison_id, company)
            for person in persons
        ):
            raise UserError(
                _(
                    "The prison of this file is one of the département it leaves: "
                    "record the transfer to a prison of the other one (Transfer)."
                )
            )
        owned = persons._owned_records()
        for person in persons:
            values = {"company_id": company.id}
            if company not in person.user_id.company_ids:
                # A referent who does not work there hands it to the coordinator.
                values["user_id"] = user.id
            # What is the département's it leaves is the file's no more (a past
            # stay keeps its establishment).
            for name in ("spip_id", "spip_referent_id", "prison_id"):
                if of_another_company(person[name], company):
                    values[name] = False
            if transfer:
                prison, number, day = transfer
                person._record_transfer(prison.id, number, day, values=values)
            else:
                # A released person's last establishment stays in their stay.
                person.with_context(siao_file_only=True).write(values)
        for records in owned.values():
            field = records._fields.get("company_id")
            if records and field and field.store and not field.related:
                records.write({"company_id": company.id})
        persons._check_records_in_company(keep_history=keep_history)
        # The outside partners of the département it leaves (its SPIP, its host
        # structures) follow it no more: the other département adds its own.
        for records in [persons, *owned.values()]:
            if "message_follower_ids" in records._fields:
                records.message_follower_ids.filtered(
                    lambda f: not f.partner_id.user_ids.filtered(lambda u: not u.share)
                ).unlink()
        for person in persons:
            person.message_post(
                body=_("File moved to %(company)s.", company=company.name),
                message_type="notification",
            )

    def _check_records_in_company(self, keep_history=False):
        """A file's own records stay in its company: a file whose requests,
        measures, places or commission cases are elsewhere cannot move (but
        through a handover, ``keep_history``: the records whose company is
        another record's, a meeting's or a place's, stay with it)."""
        for model, fname in self._belonging_fields():
            Model = self.env[model]
            if (
                Model._transient
                or Model._fields[fname].comodel_name != self._name
                or "company_id" not in Model._fields
            ):
                continue
            related = Model._fields["company_id"].related
            if keep_history and related and related.split(".")[0] != fname:
                continue
            Model.flush_model()
            for person in self.sudo():
                if (
                    Model.sudo()
                    .with_context(active_test=False)
                    .search_count(
                        [
                            (fname, "=", person.id),
                            ("company_id", "!=", person.company_id.id),
                        ],
                        limit=1,
                    )
                ):
                    raise ValidationError(
                        _(
                            "This file has records in its company (SIAO requests, "
                            "AVDL measures, places, commission cases): it cannot "
                            "move to another company."
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_without_history(self):
        history = [
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([(fname, "in", self.ids)], limit=1)
            for model, fname in self._belonging_fields()
            if self.env[model]._fields[fname].comodel_name == self._name
            and self.env[model]._fields[fname].ondelete == "restrict"
        ]
        if any(history):
            raise UserError(
                _(
                    "This person has a history (SIAO requests...): archive the file "
                    "instead of deleting it."
                )
            )
