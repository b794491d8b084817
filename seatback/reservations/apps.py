from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "seatback.reservations"
    label = "reservations"
