from django.urls import include, path

from seatback.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("seatback.api.urls")),
    path("backoffice/labels/", include("seatback.labels.urls")),
    path("backoffice/reservations/", include("seatback.reservations.backoffice_urls")),
    path("backoffice/", include("seatback.backoffice.urls")),
    path("display/", include("seatback.presence.urls")),
    path("reserve/", include("seatback.reservations.urls")),
    path("", include("seatback.reader.urls")),
]
