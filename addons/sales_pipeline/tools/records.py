import re

# what PostgreSQL casts to an integer id: digits with spaces and a sign around them
_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")


def as_record_id(value):
    """The record id a Many2one value from a client stands for, in every form the ORM or
    PostgreSQL takes as one: an int, a float (PostgreSQL rounds it), digits in a string, a dict
    with an "id" (onchange), an (id, name) pair, a record, a new record's origin. None when it
    names no record (False, None, an empty value)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value)
    if isinstance(value, str):
        return int(value) if _INTEGER_TEXT.fullmatch(value) else None
    if isinstance(value, dict):
        return as_record_id(value.get("id"))
    if isinstance(value, (list, tuple)):
        return as_record_id(value[0]) if value else None
    if hasattr(value, "_ids"):  # a record
        return as_record_id(value._origin.id) if len(value) == 1 else None
    if hasattr(value, "origin"):  # a NewId
        return as_record_id(value.origin)
    return None


def modules_overriding(records, method):
    """The modules whose classes of ``records``' model define ``method`` (Odoo's own included)."""
    return {
        cls._module
        for cls in type(records).__mro__
        if method in vars(cls) and getattr(cls, "_module", None)
    }
