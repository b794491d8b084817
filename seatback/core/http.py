"""Small request helpers shared by the API and the reader pages."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from seatback.seats.services import Evidence


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


def evidence(request: HttpRequest) -> Evidence:
    return Evidence(address=client_address(request), client=request.headers.get("User-Agent", ""))
