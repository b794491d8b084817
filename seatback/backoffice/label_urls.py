from django.urls import path

from seatback.backoffice import label_views as views

app_name = "labels"
urlpatterns = [
    path("", views.rooms, name="rooms"),
    path("rooms/<int:room_id>/", views.room, name="room"),
    path("rooms/<int:room_id>/export", views.export, name="export"),
    path("rooms/<int:room_id>/reissue", views.reissue, name="reissue"),
]
