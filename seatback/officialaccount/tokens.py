"""The global access token and the JS-SDK ticket: one refresher, one central cache.

Both live in Django's cache (Redis when REDIS_URL is set, so every process sees one
value). A process that finds none takes a short lock in the cache (`cache.add`) and
fetches; the others wait for its value instead of fetching their own. The token comes
from `stable_token`, which returns the same token to repeated calls within its validity,
so even two refreshers could not invalidate each other's token (the older `/cgi-bin/token`
would). A call WeChat answers with 40001/42001 is retried once with a fresh token, never
more.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from seatback.officialaccount.client import TOKEN_ERRORS, Unreachable, WeChatError, request_json

log = logging.getLogger(__name__)

# Renew this long before WeChat says a value expires.
EARLY_SECONDS = 300
LOCK_SECONDS = 10
_local = threading.RLock()  # the ticket fetch asks for the token inside


def central(name: str, fetch: Callable[[], tuple[str, int]], stale: str | None = None) -> str:
    """The cached value `name`, fetched by one caller at a time when missing (or when it is
    `stale`, the value WeChat just refused)."""
    key = f"wechat:{settings.WECHAT_APP_ID}:{name}"
    value = cache.get(key)
    if value and value != stale:
        return str(value)
    give_up = time.monotonic() + LOCK_SECONDS
    with _local:  # the threads of this process queue here; processes on the cache lock
        while True:
            value = cache.get(key)
            if value and value != stale:
                return str(value)
            if cache.add(f"{key}:lock", 1, timeout=LOCK_SECONDS):
                try:
                    value, expires_in = fetch()
                    cache.set(key, value, timeout=max(30, expires_in - EARLY_SECONDS))
                    return value
                finally:
                    cache.delete(f"{key}:lock")
            if time.monotonic() > give_up:
                raise Unreachable(f"waited {LOCK_SECONDS} s for another process to fetch {name}")
            time.sleep(0.05)


def _fetch_token() -> tuple[str, int]:
    answer = request_json(
        "POST",
        "/cgi-bin/stable_token",
        body={
            "grant_type": "client_credential",
            "appid": settings.WECHAT_APP_ID,
            "secret": settings.WECHAT_APP_SECRET,
            "force_refresh": False,
        },
    )
    log.info("fetched a WeChat access token")
    return str(answer["access_token"]), int(answer.get("expires_in", 7200))


def access_token(stale: str | None = None) -> str:
    return central("access_token", _fetch_token, stale)


def call(
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An API call with the global access token: at most one retry with a fresh token."""
    token = access_token()
    try:
        return request_json(
            method, path, params={**(params or {}), "access_token": token}, body=body
        )
    except WeChatError as exc:
        if exc.errcode not in TOKEN_ERRORS:
            raise
        log.warning("WeChat refused the access token (%s); fetching it once more", exc)
    token = access_token(stale=token)
    return request_json(method, path, params={**(params or {}), "access_token": token}, body=body)


def jsapi_ticket(stale: str | None = None) -> str:
    def fetch() -> tuple[str, int]:
        answer = call("GET", "/cgi-bin/ticket/getticket", params={"type": "jsapi"})
        return str(answer["ticket"]), int(answer.get("expires_in", 7200))

    return central("jsapi_ticket", fetch, stale)
