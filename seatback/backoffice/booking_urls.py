from django.urls import path

from seatback.backoffice import booking_views as backoffice

app_name = "reservations_backoffice"
urlpatterns = [
    path("", backoffice.day, name="day"),
    path("reader", backoffice.reader, name="reader"),
]
