from __future__ import annotations
import time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from seatback.library.models import Room, Seat
from tests.api.conftest import at_clock, bearer
from tests.conftest import at, make_reader
from tests.reservations.conftest import evening

pytestmark = pytest.mark.django_db

def test_profile(room: Room, settings) -> None:
    settings.RATE_LIMIT_INTENTS_PER_MINUTE = 10**6
    seats = [Seat.objects.create(room=room, label=f"B-{i:03}", reservable=True) for i in range(300)]
    readers = [make_reader(f"C{i:05}", f"r{i}") for i in range(3)]
    at_clock(evening("20:00"))
    c = [bearer(r) for r in readers]
    body = lambda s, h="09:00", e="11:00": {"seat_id": s.pk, "start": at(h).isoformat(), "end": at(e).isoformat()}
    c[0].post("/api/v1/reservations", body(seats[0]), content_type="application/json")
    for name, fn in (
        ("taken-cached", lambda i: c[1].post("/api/v1/reservations", body(seats[0]), content_type="application/json")),
        ("bad-seat", lambda i: c[1].post("/api/v1/reservations", {"seat_id": 99999, "start": at("09:00").isoformat(), "end": at("11:00").isoformat()}, content_type="application/json")),
        ("limit-reached(db)", lambda i: c[0].post("/api/v1/reservations", body(seats[5 + i]), content_type="application/json")),
    ):
        with CaptureQueriesContext(connection) as q:
            r = fn(0)
        print("\n", name, r.status_code, len(q.captured_queries), [x["sql"][:60] for x in q.captured_queries])
        t = time.process_time()
        for i in range(200):
            fn(i)
        print(name, "cpu ms/req", (time.process_time() - t) / 200 * 1000)
    import cProfile, pstats
    pr = cProfile.Profile(); pr.enable()
    for i in range(200):
        c[1].post("/api/v1/reservations", body(seats[0]), content_type="application/json")
    pr.disable()
    pstats.Stats(pr, stream=open("/tmp/rushprof/taken_cprof.txt", "w")).sort_stats("cumulative").print_stats(45)
