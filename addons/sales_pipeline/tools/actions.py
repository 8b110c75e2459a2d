"""The one way our modules open a window from Python."""


def window_action(env, res_model=None, *, xmlid=None, **values):
    """A window action: the action record ``xmlid`` (its views, name and help as configured),
    else a new one on ``res_model`` (a record's form when ``res_id`` is given, else a list);
    ``values`` (name, res_id, domain, context, view_mode, target, ...) then set its keys."""
    if xmlid:
        action = env["ir.actions.act_window"]._for_xml_id(xmlid)
    else:
        action = {
            "type": "ir.actions.act_window",
            "res_model": res_model,
            "view_mode": "form" if values.get("res_id") else "list,form",
        }
    action.update(values)
    return action
