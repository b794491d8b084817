from django.urls import include, path

from seatback.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("seatback.api.urls")),
    path("", include("seatback.reader.urls")),
]
