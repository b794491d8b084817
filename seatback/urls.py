"""Every door, by audience: the API, the back office, screens, operations, reader pages."""

from django.urls import include, path

from seatback.ops import views as ops_views

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("api/v1/", include("seatback.api.urls")),
    path("backoffice/labels/", include("seatback.backoffice.label_urls")),
    path("backoffice/reservations/", include("seatback.backoffice.booking_urls")),
    path("backoffice/headcount/", include("seatback.backoffice.gate_urls")),
    path("backoffice/acquisitions/", include("seatback.backoffice.acquisition_urls")),
    path("backoffice/", include("seatback.backoffice.urls")),
    path("display/", include("seatback.screens.urls")),
    path("reserve/", include("seatback.pages.booking_urls")),
    path("library/", include("seatback.pages.library_urls")),
    path("", include("seatback.pages.urls")),
]

handler403 = "seatback.pages.error_views.permission_denied"
handler404 = "seatback.pages.error_views.page_not_found"
handler500 = "seatback.pages.error_views.server_error"
