"""Helpers of aftersales_visit that are not models."""

from .counts import count_by
from .dates import is_leap
from .placeholders import KeepUnknown
