from odoo import api, models
from odoo.osv import expression

from .record_tools import is_person_record, masked_name


class MailMessage(models.Model):
    _inherit = "mail.message"

    # The rule: a message of one of the addon's records is read only by who may
    # read that record now (a portal user: on a SPIP exchange they may use), not
    # by who once wrote it, was sent it or was notified of it (Odoo's own rule):
    # a file that became confidential, a consent withdrawn, an officer replaced
    # close its past messages too.
    @api.model
    def _siao_thread_models(self):
        return [
            name
            for name, model in self.env.registry.items()
            if name.startswith("siao.") and "message_ids" in model._fields
        ]

    @api.model
    def _siao_message_domain(self):
        """The domain of the messages of the addon's records the user may read;
        None for the superuser."""
        if self.env.su:
            return None
        user = self.env.user
        readable = []
        for name in self._siao_thread_models():
            # The user's own companies, whatever the companies they work in now
            # (Odoo shows a message whatever the company of its record).
            Model = self.env[name].with_context(
                allowed_company_ids=user.company_ids.ids
            )
            if user.share:
                if name != "siao.spip.exchange":
                    continue
                ids = Model._usable_by(user).ids
            elif Model.has_access("read"):
                ids = Model.with_context(active_test=False)._search([])
            else:
                continue
            readable.append([("model", "=", name), ("res_id", "in", ids)])
        addon = [name for name in self.env.registry if name.startswith("siao.")]
        return expression.OR([[("model", "not in", addon)], *readable])

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        readable = self._siao_message_domain()
        if readable is not None:
            domain = expression.AND([domain, readable])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or not self or self.env.su:
            return result
        forbidden = result[0] if result else self.browse()
        messages = (self - forbidden).sudo().exists()
        by_model = {}
        for message in messages.filtered(
            lambda m: m.model and m.model.startswith("siao.") and m.res_id
        ):
            by_model.setdefault(message.model, message.browse())
            by_model[message.model] |= message
        user = self.env.user
        for name, of_model in by_model.items():
            records = (
                self.env[name]
                .with_context(allowed_company_ids=user.company_ids.ids)
                .browse(set(of_model.mapped("res_id")))
            )
            if user.share:
                allowed = (
                    records.sudo() & records.sudo()._usable_by(user)
                    if name == "siao.spip.exchange"
                    else records.browse()
                )
            else:
                allowed = records.with_context(active_test=False)._filtered_access(
                    "read"
                )
            forbidden |= of_model.filtered(
                lambda m, ids=set(allowed.ids): m.res_id not in ids
            ).with_env(self.env)
        if not forbidden:
            return result
        return forbidden, lambda: forbidden._make_access_error(operation)

    @api.depends("record_name", "model", "res_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        """A message of the addon's records the user may not read is named as
        its record is for them: "Confidential file" (a notification of it, a
        reply to it, a group by message show its name as the relation's)."""
        super()._compute_display_name()
        if self.env.user._is_superuser():
            return
        ours = self.filtered(lambda m: m.model and m.model.startswith("siao."))
        if not ours:
            return
        readable = ours.with_env(self.env(su=False))._filtered_access("read")
        for message in ours - readable.with_env(self.env):
            message.display_name = masked_name(self.env)

    @api.model
    def _get_record_name(self, values):
        """A message on a confidential file, or one of its records, names no one
        (whatever the path that creates it: a post, a notification, an
        activity's)."""
        model = values.get("model", self.env.context.get("default_model"))
        res_id = values.get("res_id", self.env.context.get("default_res_id"))
        if model and res_id and model.startswith("siao.") and model in self.env:
            record = self.env[model].sudo().browse(res_id).exists()
            if record and is_person_record(record) and record._keeps_name_out():
                return masked_name(self.env)
        return super()._get_record_name(values)
