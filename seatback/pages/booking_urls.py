from django.urls import path

from seatback.pages import booking_views as views

app_name = "reservations"
urlpatterns = [
    path("", views.book, name="book"),
    path("mine", views.mine, name="mine"),
    path("<int:reservation_id>/cancel", views.cancel, name="cancel"),
]
