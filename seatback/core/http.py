"""Request and response helpers shared by every door: the client's address, and the one
place where a refusal becomes a response."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from seatback.core import metrics
from seatback.core.errors import Refusal

API_PREFIX = "/api/"


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str | None:
    """The client's address; behind a proxy, the last hop the proxy appended.

    The proxy's header (SEATBACK_PROXY_HEADER) is read only when SEATBACK_BEHIND_PROXY is
    on and, if SEATBACK_TRUSTED_PROXIES is set, only from a peer inside it; then the hops
    our own proxies appended are skipped. Otherwise anyone could claim any address, and
    the presence `network` check would mean nothing.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_PROXY:
        return peer
    if settings.TRUSTED_PROXIES and not (peer and _is_trusted_proxy(peer)):
        return peer
    forwarded = request.headers.get(settings.PROXY_HEADER, "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return peer
    if settings.TRUSTED_PROXIES:
        # Rightmost first: the hops our proxies appended come last; the first one that is
        # not one of ours is the client (anything left of it the client may have forged).
        while len(hops) > 1 and _is_trusted_proxy(hops[-1]):
            hops.pop()
    try:
        return str(ipaddress.ip_address(hops[-1]))
    except ValueError:  # not an address: the proxy did not write it
        return peer


def requester(request: HttpRequest) -> str:
    """Who a per-person rate limit counts: the signed-in reader, or else the address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"r{user.pk}"
    return f"a{client_address(request)}"


def refusal_parts(refusal: Refusal, *, as_json: bool) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a refusal, for Django views and for plain WSGI alike:
    `{"error": {"code", "message", ...}}` for programs, the sentence alone for people."""
    metrics.REFUSALS.labels(refusal.code).inc()
    if as_json:
        body = json.dumps({"error": refusal.as_dict()}, ensure_ascii=False).encode()
        content_type = "application/json"
    else:
        body = refusal.message.encode()
        content_type = "text/plain; charset=utf-8"
    headers = [("Content-Type", content_type)]
    if refusal.retry_after is not None:
        headers.append(("Retry-After", str(refusal.retry_after)))
    headers.append(("Content-Language", translation.get_language() or settings.LANGUAGE_CODE))
    return refusal.status, headers, body


# A door that shows people pages (pages.apps) registers how a refusal met before any page
# (too many requests) looks; without one, people get the sentence as plain text.
_page_renderer: Callable[[HttpRequest, Refusal], HttpResponse] | None = None


def render_refusals_with(renderer: Callable[[HttpRequest, Refusal], HttpResponse]) -> None:
    global _page_renderer
    _page_renderer = renderer


def _wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def refusal_response(
    request: HttpRequest | None, refusal: Refusal, *, as_json: bool | None = None
) -> HttpResponse:
    """A refusal as a response: JSON under /api/ (or when `as_json`), a sentence otherwise.

    Pages that can say more render the refusal inside the page instead."""
    if as_json is None:
        as_json = request is not None and request.path.startswith(API_PREFIX)
    if not as_json and request is not None and _page_renderer is not None and _wants_html(request):
        return _page_renderer(request, refusal)
    status, headers, body = refusal_parts(refusal, as_json=as_json)
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response
