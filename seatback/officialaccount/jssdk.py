"""JS-SDK configuration for pages opened inside WeChat: `wx.config` signed per page URL."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings

from seatback.officialaccount import tokens


def signature(ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """sha1 of the four fields in ASCII order, raw values; the URL without its fragment."""
    url = url.split("#", 1)[0]
    text = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 (WeChat's protocol)


@dataclass(frozen=True)
class Config:
    app_id: str
    timestamp: int
    nonce: str
    signature: str


def config_for(url: str, timestamp: int) -> Config:
    """What `wx.config` needs on the page at `url` (raises client errors when WeChat is
    unreachable: the page then simply offers no WeChat buttons)."""
    nonce = secrets.token_hex(8)
    return Config(
        settings.WECHAT_APP_ID,
        timestamp,
        nonce,
        signature(tokens.jsapi_ticket(), nonce, timestamp, url),
    )
