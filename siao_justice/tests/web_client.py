"""What the web client asks the server when it opens a view.

Shared by the query-count tests and the benchmark (bench/measure.py).
"""

from lxml import etree

# Fields the kanban_activity widget reads on the record itself.
ACTIVITY_DEPENDENCIES = {
    "activity_exception_decoration": {},
    "activity_exception_icon": {},
    "activity_state": {},
    "activity_summary": {},
    "activity_type_icon": {},
    "activity_type_id": {"fields": {"display_name": {}}},
}


def _field_nodes(node):
    """The <field> nodes of a view, not those inside the sub-view of an x2many."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        else:
            yield from _field_nodes(child)


def arch_specification(env, model, node):
    """The specification the web client builds from a view (getFieldsSpec)."""
    model_fields = env[model]._fields
    spec = {}
    for field_node in _field_nodes(node):
        name = field_node.get("name")
        field = model_fields[name]
        entry = spec.setdefault(name, {})
        if field.type in ("many2one", "reference"):
            # An always invisible many2one is read as an id, without its name.
            invisible = field_node.get("invisible") in ("1", "True")
            entry["fields"] = {} if invisible else {"display_name": {}}
        elif field.type in ("one2many", "many2many"):
            sub_view = next(
                (child for child in field_node if child.tag in ("list", "kanban")),
                None,
            )
            if sub_view is not None:
                entry["fields"] = arch_specification(env, field.comodel_name, sub_view)
                entry["limit"] = 40
            elif field_node.get("widget") == "many2many_tags":
                entry["fields"] = {"display_name": {}}
        if field_node.get("widget") == "kanban_activity":
            spec.update(ACTIVITY_DEPENDENCIES)
    return spec


def _default_arch(env, model, view_type):
    """The default ``view_type`` arch of ``model``, as the client receives it."""
    views = env[model].get_views([(False, view_type)])
    return etree.fromstring(views["views"][view_type]["arch"])


def view_specification(env, model, view_type):
    """The specification of the default ``view_type`` view of ``model``."""
    spec = arch_specification(env, model, _default_arch(env, model, view_type))
    spec.setdefault("display_name", {})
    return spec


def view_limit(env, model, view_type):
    """How many records per group the web client asks for (the view's ``limit``)."""
    return int(_default_arch(env, model, view_type).get("limit") or 40)


def open_board(env, model, domain, groupby, spec, limit=40):
    """A grouped kanban: web_read_group, then one web_search_read (``limit``
    records) per group that has records. Each call is a request of its own, with
    an empty cache. Returns the number of queries of each call."""
    Model = env[model]
    calls = []
    env.invalidate_all()
    before = env.cr.sql_log_count
    groups = Model.web_read_group(domain, [], [groupby], lazy=True)["groups"]
    calls.append(env.cr.sql_log_count - before)
    for group in groups:
        if not group[f"{groupby}_count"]:
            continue
        env.invalidate_all()
        before = env.cr.sql_log_count
        Model.web_search_read(
            group["__domain"], spec, limit=limit, order=Model._order, count_limit=10001
        )
        calls.append(env.cr.sql_log_count - before)
    return calls


def board_actions(env, view_xmlid):
    """What a board view (Odoo's ``board``) asks for, action by action, as its
    client does: (title, model, view type, domain, specification), each read
    with the action's own view of that type."""
    from odoo.tools.safe_eval import safe_eval  # noqa: PLC0415

    view = env.ref(view_xmlid)
    arch = etree.fromstring(env["board.board"].get_view(view.id, "form")["arch"])
    found = []
    for node in arch.xpath("//action"):
        # The client loads the action as /web/action/load does (as superuser).
        action = env["ir.actions.act_window"].sudo().browse(int(node.get("name")))
        view_type = node.get("view_mode")
        own = action.view_ids.filtered(lambda v, t=view_type: v.view_mode == t)
        view_id = own[:1].view_id.id or False
        views = env[action.res_model].get_views([(view_id, view_type)])
        spec = arch_specification(
            env,
            action.res_model,
            etree.fromstring(views["views"][view_type]["arch"]),
        )
        spec.setdefault("display_name", {})
        found.append(
            (
                node.get("string"),
                action.res_model,
                view_type,
                safe_eval(node.get("domain") or "[]"),
                spec,
            )
        )
    return found


def open_board_action(env, model, view_type, domain, spec, limit=80):
    """The call a board's action makes: a page of a list, or a graph's groups."""
    if view_type == "graph":
        return env[model].read_group(domain, ["__count"], ["release_horizon"])
    return env[model].web_search_read(domain, spec, limit=limit)
