def as_record_id(value):
    """The record id a Many2one value from a client stands for: an int, or its digits in a string
    (which PostgreSQL casts just the same); None for anything else (False, commands, records)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
