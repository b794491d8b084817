"""Every door, by audience: the API, the back office, screens, operations, reader pages."""

from django.urls import include, path

from seatback.ops import health
from seatback.ops.metrics import metrics_view

# Under /api/ every error is the JSON error shape, a Redis outage is a 503 (ops/errors.py);
# elsewhere the reader pages' own error pages (pages/error_views.py).
handler400 = "seatback.handlers.bad_request"
handler403 = "seatback.handlers.forbidden"
handler404 = "seatback.handlers.not_found"
handler500 = "seatback.handlers.server_error"

urlpatterns = [
    # Answered by ops.health.HealthCheckMiddleware before the rest; named here for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include("seatback.api.urls")),
    path("backoffice/analytics/", include("seatback.backoffice.analytics_urls")),
    path("backoffice/labels/", include("seatback.backoffice.label_urls")),
    path("backoffice/reservations/", include("seatback.backoffice.booking_urls")),
    path("backoffice/headcount/", include("seatback.backoffice.gate_urls")),
    path("backoffice/acquisitions/", include("seatback.backoffice.acquisition_urls")),
    path("backoffice/", include("seatback.backoffice.urls")),
    path("display/", include("seatback.screens.urls")),
    path("wechat/", include("seatback.wechat.urls")),
    path("reserve/", include("seatback.pages.booking_urls")),
    path("library/", include("seatback.pages.library_urls")),
    path("", include("seatback.pages.urls")),
]
