from django.urls import path

from seatback.api import plan_views, views
from seatback.api import reservation_views as reservations

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("session", views.session, name="session"),
    path("me", views.me, name="me"),
    path("rooms", views.rooms, name="rooms"),
    path("rooms/<int:room_id>/seats", views.room_seats, name="room-seats"),
    path("rooms/<int:room_id>/map", plan_views.room_map, name="room-map"),
    path("rooms/<int:room_id>/map/states", plan_views.room_states, name="room-states"),
    path("rooms/<int:room_id>/route", plan_views.room_route, name="room-route"),
    path("occupancy", plan_views.occupancy, name="occupancy"),
    path("occupancy/history", plan_views.occupancy_history, name="occupancy-history"),
    path("seats/<str:code>", views.seat_detail, name="seat"),
    path("seats/<str:code>/watch", views.seat_watch, name="seat-watch"),
    path("seats/<str:code>/<str:intent>", views.seat_intent, name="seat-intent"),
    path("reservations", reservations.reservations, name="reservations"),
    path("reservations/<int:reservation_id>", reservations.reservation, name="reservation"),
]
