from django.urls import path

from seatback.screens import entrance_views, views

app_name = "screens"
urlpatterns = [
    path("rooms/<int:room_id>", views.display, name="display"),
    path("rooms/<int:room_id>/code", views.display_code, name="display-code"),
    path("screens/<int:screen_id>", entrance_views.entrance, name="entrance"),
    path("screens/<int:screen_id>/data", entrance_views.entrance_data, name="entrance-data"),
]
