from django.urls import path

from seatback.api import content_views, gate_views, plan_views, space_views, views
from seatback.api import library_views as library
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
    path("announcements", content_views.announcements, name="announcements"),
    path("lectures", content_views.lectures, name="lectures"),
    path(
        "lectures/<int:lecture_id>/registration",
        content_views.registration,
        name="lecture-registration",
    ),
    path("eresources", content_views.eresources, name="eresources"),
    path("ask", content_views.ask, name="ask"),
    path("gate/events", gate_views.gate_events, name="gate-events"),
    path("spaces", space_views.spaces, name="spaces"),
    path("spaces/<int:space_id>/day", space_views.space_day, name="space-day"),
    path("spaces/<str:code>/checkin", space_views.door, name="space-checkin"),
    path("space-bookings", space_views.bookings, name="space-bookings"),
    path(
        "space-bookings/<int:booking_id>/<str:action>",
        space_views.booking,
        name="space-booking",
    ),
    path("library/loans", library.loans, name="library-loans"),
    path("library/loans/renew-all", library.renew_all, name="library-renew-all"),
    path("library/loans/<str:item>/renew", library.renew, name="library-renew"),
    path("library/search", library.search, name="library-search"),
    path("library/isbn/<str:number>", library.isbn, name="library-isbn"),
    path("library/purchase-requests", library.purchase_requests, name="library-purchases"),
]
