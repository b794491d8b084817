from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from seatback.core import clock

log = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """For monitors and load balancers: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The reason goes to the log, not to whoever asked.
        log.exception("healthz: the database does not answer")
        return JsonResponse({"status": "error", "database": connection.vendor}, status=503)
    return JsonResponse(
        {"status": "ok", "database": connection.vendor, "time": clock.now().isoformat()}
    )
