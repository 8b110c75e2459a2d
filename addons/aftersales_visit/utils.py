"""Small helpers shared by the after-sales models."""


def count_by(model, field, records):
    """{record: number of ``model`` rows whose ``field`` is that record} for ``records``."""
    return dict(model._read_group([(field, "in", records.ids)], [field], ["__count"]))


def records_action(env, xmlid, domain, context):
    """The window action ``xmlid``, narrowed to ``domain`` with ``context``."""
    action = env["ir.actions.act_window"]._for_xml_id(xmlid)
    action.update(domain=domain, context=context)
    return action
