from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from seatback.core import clock


def healthz(request: HttpRequest) -> JsonResponse:
    """For monitors and load balancers: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": connection.vendor, "detail": str(exc)[:200]}, status=503
        )
    return JsonResponse(
        {"status": "ok", "database": connection.vendor, "time": clock.now().isoformat()}
    )
