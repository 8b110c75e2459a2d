"""Keep the AppSecret and access tokens out of what is stored, logged or shown."""

import logging
import re

MASK = "***"
# query parameters that carry a credential: ?appid=..&secret=.., ?access_token=..
SECRET_PARAMS = re.compile(
    r"(?P<name>\b(?:secret|appsecret|access_token|token)=)[^&\s'\"<>)]+", re.IGNORECASE
)


def redact(text, *secrets):
    """``text`` with the credential query parameters and the given ``secrets`` masked."""
    text = SECRET_PARAMS.sub(lambda match: match["name"] + MASK, str(text or ""))
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Masks credential query parameters in the records of a logger (urllib3 logs the URLs it
    requests, WeChat's carry the AppSecret or the access token)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: logging reports it as usual
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install_log_filter(logger_name="urllib3.connectionpool"):
    """Add the filter once to ``logger_name``."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
        logger.addFilter(RedactingFilter())
