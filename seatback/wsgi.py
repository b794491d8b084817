import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatback.settings")
application = get_wsgi_application()

# Bookings past a per-process cap are told "busy" before Django's work (issue 7).
from seatback.api.front import BookingFront  # noqa: E402

application = BookingFront(application)  # type: ignore[assignment]
