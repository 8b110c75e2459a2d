"""Helpers of wechat_leads that are not models: the WeChat API client, reading pushes."""

from .wechat_client import OFFICIAL_API, AccountClient
from .wechat_push import scene_of
