from django.urls import path

from seatback.reservations import backoffice

app_name = "reservations_backoffice"
urlpatterns = [
    path("", backoffice.day, name="day"),
    path("reader", backoffice.reader, name="reader"),
    path("readers/<int:reader_id>/lift-ban", backoffice.lift_ban, name="lift-ban"),
    path("violations/<int:violation_id>/forgive", backoffice.forgive, name="forgive"),
]
