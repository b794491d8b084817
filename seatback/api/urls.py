from django.urls import path

from seatback.api import library_views as library
from seatback.api import reservation_views as reservations
from seatback.api import views

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("session", views.session, name="session"),
    path("me", views.me, name="me"),
    path("rooms", views.rooms, name="rooms"),
    path("rooms/<int:room_id>/seats", views.room_seats, name="room-seats"),
    path("seats/<str:code>", views.seat_detail, name="seat"),
    path("seats/<str:code>/watch", views.seat_watch, name="seat-watch"),
    path("seats/<str:code>/<str:intent>", views.seat_intent, name="seat-intent"),
    path("reservations", reservations.reservations, name="reservations"),
    path("reservations/<int:reservation_id>", reservations.reservation, name="reservation"),
    path("library/loans", library.loans, name="library-loans"),
    path("library/loans/renew-all", library.renew_all, name="library-renew-all"),
    path("library/loans/<str:item>/renew", library.renew, name="library-renew"),
    path("library/search", library.search, name="library-search"),
    path("library/isbn/<str:number>", library.isbn, name="library-isbn"),
    path("library/purchase-requests", library.purchase_requests, name="library-purchases"),
]
