"""Small functions on recordsets that the addon's models share: who may read a
record, the name shown for a file one may not read, the action opening a wizard,
a partial unique index per person. Functions, not mixin methods: they work on any
model, the addon's or Odoo's."""

import re

from odoo.fields import Command
from odoo.tools import SQL, clean_context


def masked_name(env):
    """The name shown, in the user's language, for a file they may not read (and
    for any record or message of it)."""
    return env._("Confidential file")


def is_coordinator_of(user, company):
    """Whether ``user`` is a coordinator working in ``company``."""
    return user.has_group("siao_justice.group_siao_manager") and (
        company in user.company_ids
    )


def of_another_company(record, company):
    """Whether ``record`` (a contact, a prison) belongs to a company other than
    ``company``: one a record of ``company`` may not point at."""
    owner = record.sudo().company_id
    return bool(owner) and owner != company


def is_person_record(records):
    """Whether ``records`` are persons or records of a person (the models that
    inherit ``siao.person.record``)."""
    return isinstance(records, records.env.registry["siao.person.record"])


def readable(records):
    """The records that the user behind the call may read, whether the call runs
    as superuser or not (Odoo reads the display name of a relation as superuser:
    the names shown must still follow the rules)."""
    env = records.env
    if not env.su or env.user._is_superuser():
        return records
    return records.with_env(env(su=False))._filtered_access("read").with_env(env)


def readable_by(records, user):
    """The records that ``user`` may read (in ``user``'s own companies, whatever
    the companies the caller works in)."""
    if not user:
        return records.browse()
    return (
        records.with_user(user)
        .with_context(allowed_company_ids=user.company_ids.ids)
        ._filtered_access("read")
        .with_env(records.env)
    )


def wizard_action(env, model, **defaults):
    """The action opening ``model`` in a dialog, with these default values; the
    dialog is titled, in the user's language, with the wizard's kind when it has
    kinds, else with its name."""
    Wizard = env[model]
    kind = Wizard._fields.get("kind")
    # Records of a many2many given as a set command: the values a client sends.
    defaults = {
        name: [Command.set(value)]
        if Wizard._fields[name].type == "many2many"
        and isinstance(value, list)
        and all(type(item) is int for item in value)
        else value
        for name, value in defaults.items()
    }
    title = (
        dict(kind._description_selection(env))[defaults["kind"]]
        if kind and defaults.get("kind")
        else env["ir.model"]._get(model).name
    )
    return {
        "type": "ir.actions.act_window",
        "name": title,
        "res_model": model,
        "view_mode": "form",
        "target": "new",
        "context": {f"default_{name}": value for name, value in defaults.items()},
    }


def without_defaults(records):
    """``records`` without the caller's context defaults: for what the addon's
    rules create on their own."""
    return records.with_env(records.env(context=clean_context(records.env.context)))


def one_per_person_in_states(cr, table, states, condition=None):
    """The partial unique index ``<table>_one_open_per_person``: one row per person
    (``detainee_id``) among those in ``states`` (and ``condition``, an SQL), held by
    PostgreSQL under concurrency too. Created again when the list of states it was
    built from is no longer the model's."""
    name = f"{table}_one_open_per_person"
    cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
    row = cr.fetchone()
    if row and set(re.findall(r"'([^']*)'", row[0])) == set(states):
        return
    cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    cr.execute(
        SQL(
            "CREATE UNIQUE INDEX %s ON %s (detainee_id) WHERE %s AND state IN %s",
            SQL.identifier(name),
            SQL.identifier(table),
            condition or SQL("TRUE"),
            tuple(states),
        )
    )
