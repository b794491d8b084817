from django.urls import path

from seatback.backoffice import acquisition_views as views

app_name = "acquisitions"
urlpatterns = [
    path("", views.acquisitions, name="queue"),
    path("<int:request_id>/status", views.acquisition_change, name="change"),
]
