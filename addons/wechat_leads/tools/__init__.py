"""Helpers of wechat_leads that are not models: the WeChat API client, reading pushes, keeping
credentials out of errors and logs."""

from . import queue_wakeup
from .insert_once import insert_once
from .redact import redact
from .wechat_client import OFFICIAL_API, AccountClient, WechatApiError
from .wechat_push import scene_of
