from django.urls import path

from seatback.presence import views

app_name = "presence"
urlpatterns = [
    path("rooms/<int:room_id>", views.display, name="display"),
    path("rooms/<int:room_id>/code", views.display_code, name="display-code"),
    path("rooms/<int:room_id>/here", views.here, name="here"),
]
