"""Calls to WeChat's API (SEATBACK_WECHAT_API_BASE): JSON over HTTPS, errors by errcode.

Calls that need the global access token go through `tokens.call`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

log = logging.getLogger(__name__)

TOKEN_ERRORS = {40001, 42001, 40014}
TIMEOUT_SECONDS = 5


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"{errcode} {errmsg}")


class Unreachable(Exception):
    """WeChat's API did not answer (network, timeout, not JSON)."""


def request_json(
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    url = settings.WECHAT_API_BASE + path
    if params:
        url += "?" + urlencode(params)
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (the base is validated http(s) in settings)
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise Unreachable(f"{path}: {exc}") from exc
    if not isinstance(answer, dict):
        raise Unreachable(f"{path}: not a JSON object")
    errcode = int(answer.get("errcode") or 0)
    if errcode:
        raise WeChatError(errcode, str(answer.get("errmsg", "")))
    return answer
