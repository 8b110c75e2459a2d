"""Filling the {placeholders} of revisit scripts and questions."""

from collections import defaultdict


class KeepUnknown(defaultdict):
    """format_map mapping that leaves unknown {placeholders} as they are."""

    def __missing__(self, key):
        return "{" + key + "}"
