"""Every door, by audience: the API, the back office, screens, operations, reader pages."""

from django.urls import include, path

from seatback.ops import views as ops_views

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("api/v1/", include("seatback.api.urls")),
    path("backoffice/labels/", include("seatback.backoffice.label_urls")),
    path("backoffice/reservations/", include("seatback.backoffice.booking_urls")),
    path("backoffice/", include("seatback.backoffice.urls")),
    path("display/", include("seatback.screens.urls")),
    path("wechat/", include("seatback.wechat.urls")),
    path("reserve/", include("seatback.pages.booking_urls")),
    path("", include("seatback.pages.urls")),
]
