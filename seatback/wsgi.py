import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatback.settings")
application = get_wsgi_application()

# Bookings past a per-process cap are told "busy" before Django's work (issue 7); shared
# reads (room list, seat map, a seat's change token) come from the cache (issue 17).
from seatback.api.front import BookingFront, SharedReadFront  # noqa: E402

application = BookingFront(SharedReadFront(application))  # type: ignore[assignment]
