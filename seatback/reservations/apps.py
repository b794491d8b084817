from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "seatback.reservations"
    label = "reservations"

    def ready(self) -> None:
        # Bookings plug into the seat rule below them: which seats are booked, and the
        # `checkin` intent (docs/architecture.md).
        from seatback.reservations import checkin, selectors
        from seatback.seats import bookings, services

        bookings.register(selectors)
        services.plug_in_intent("checkin", checkin.checkin_refusal, checkin.apply_checkin)
