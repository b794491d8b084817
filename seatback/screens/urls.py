from django.urls import path

from seatback.screens import views

app_name = "screens"
urlpatterns = [
    path("rooms/<int:room_id>", views.display, name="display"),
    path("rooms/<int:room_id>/code", views.display_code, name="display-code"),
]
