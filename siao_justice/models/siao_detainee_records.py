"""What belongs to a person, found from the registry: every record of the addon that
points at the file (or at a record of it), the guard on deleting a file with a
history, the company its records stay in, and a coordinator's move of a file with all
of them to another company."""

from odoo import _, api, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError


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

    def action_move_to_company(self, company_id):
        """A coordinator's transfer of files to another company they work in: each
        file goes with every record of its own (stays, requests, measures, rights,
        alerts...), as the superuser, the coordinator its referent unless its
        referent works there too; refused while a record of it belongs to its
        company (a commission's case, a booking of one of its places)."""
        company = self.env["res.company"].browse(company_id).exists()
        user = self.env.user
        if not user.has_group("siao_justice.group_siao_manager"):
            raise AccessError(_("Only a coordinator moves a file to another company."))
        if not company or not (company | self.company_id) <= user.company_ids:
            raise AccessError(
                _("A file moves only between companies you both work in.")
            )
        self.check_access("write")
        self._check_frozen([{}], creating=False)
        persons = self.sudo().with_context(active_test=False, siao_company_move=True)
        owned = persons._owned_records()
        # A referent who does not work there hands the file to the coordinator.
        persons.filtered(lambda p: company not in p.user_id.company_ids).write(
            {"user_id": user.id}
        )
        persons.write({"company_id": company.id})
        for records in owned.values():
            field = records._fields.get("company_id")
            if records and field and field.store and not field.related:
                records.write({"company_id": company.id})
        persons._check_records_in_company()  # nothing of theirs stays behind
        for person in persons:
            person.message_post(
                body=_("File moved to %(company)s.", company=company.name),
                message_type="notification",
            )
        return True

    def _check_records_in_company(self):
        """A file's own records stay in its company: a file whose requests,
        measures, places or commission cases are elsewhere cannot move."""
        for model, fname in self._belonging_fields():
            Model = self.env[model]
            if (
                Model._transient
                or Model._fields[fname].comodel_name != self._name
                or "company_id" not in Model._fields
            ):
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
