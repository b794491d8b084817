"""Small request helpers shared by the API and the reader pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from seatback.seats.services import Evidence


def client_address(request: HttpRequest) -> str | None:
    """The client's address; behind a proxy, the last hop the proxy appended."""
    if settings.BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def evidence(request: HttpRequest) -> Evidence:
    return Evidence(address=client_address(request), client=request.headers.get("User-Agent", ""))
