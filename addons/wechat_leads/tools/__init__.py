"""Helpers of wechat_leads that are not models: the WeChat API client."""
