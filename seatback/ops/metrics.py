"""GET /metrics: Prometheus text, for a token or an allowed address (issue 22).

Who may read it: a client at an address in SEATBACK_METRICS_ALLOW (default this machine:
127.0.0.1 and ::1), or anyone sending `Authorization: Bearer <SEATBACK_METRICS_TOKEN>`
when a token is set. Anyone else gets a plain 404, as if there were nothing here.
The requests middleware counts every answer by its route (the URL pattern, never the
seat code) and status, and times it."""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from seatback.core import metrics
from seatback.core.http import client_address
from seatback.notifications.models import Notice


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(client_address(request) or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOW)


class OutboxCollector(Collector):
    """Read at each scrape: notices queued for readers and not yet delivered."""

    def collect(self) -> Any:
        depth = Notice.objects.filter(delivered_at__isnull=True).count()
        yield GaugeMetricFamily(
            "seatback_outbox_depth", "Notices queued and not yet delivered", value=depth
        )


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404
    if settings.METRICS_FOLDER:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # every process of this server
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    outbox = CollectorRegistry()
    outbox.register(OutboxCollector())
    return HttpResponse(body + generate_latest(outbox), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = "/" + match.route if match is not None and match.route else "(none)"
        if request.path_info == "/healthz":
            route = "/healthz"
        metrics.REQUESTS.labels(route, str(response.status_code)).inc()
        metrics.LATENCY.labels(route).observe(time.perf_counter() - started)
        return response
