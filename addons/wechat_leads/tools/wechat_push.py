"""Reading what WeChat pushes to the callback."""


def scene_of(event_key):
    """The scene of a subscribe event's EventKey (``qrscene_<scene>``), or None."""
    if event_key and event_key.startswith("qrscene_"):
        return event_key[len("qrscene_") :]
    return event_key or None
