"""Fixtures for racing real requests: a live server, an open room, signed-in phones.

Every test here uses pytest-django's `live_server` (a threaded WSGI server in this process,
one thread and one database connection per client connection) with `transactional_db`, so
requests race real connections on a real database: the test settings give SQLite a file,
and SEATBACK_TEST_DATABASE_URL gives PostgreSQL.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from tests.concurrency.race import CheckProbe, Phone
from tests.conftest import PASSWORD, at

_numbers = itertools.count(1)


@pytest.fixture
def vendor() -> str:
    return connection.vendor


@pytest.fixture
def race_room(transactional_db: None) -> Room:
    """A reading room with the default policy, open: the clock reads 09:00 on DAY."""
    clock.travel_to(at("09:00"))
    return Room.objects.create(library=Library.get(), name="三楼阅览室", floor="3")


@pytest.fixture
def new_seats(race_room: Room) -> Callable[[int], list[Seat]]:
    def make(count: int) -> list[Seat]:
        return [
            Seat.objects.create(room=race_room, label=f"R-{next(_numbers):04d}")
            for _ in range(count)
        ]

    return make


@pytest.fixture
def new_readers(transactional_db: None) -> Callable[[int], list[Reader]]:
    password = make_password(PASSWORD)

    def make(count: int) -> list[Reader]:
        readers = [
            Reader(card_number=f"2026{next(_numbers):06d}", name=f"reader {i}", password=password)
            for i in range(count)
        ]
        return Reader.objects.bulk_create(readers)

    return make


@pytest.fixture
def phones(live_server: object) -> Iterator[Callable[[list[Reader]], list[Phone]]]:
    """Signs readers in, one phone (session, connection) each; closes them all afterwards."""
    opened: list[Phone] = []
    base_url = str(live_server)

    def sign_in(readers: list[Reader]) -> list[Phone]:
        new = [Phone(base_url, reader.card_number, PASSWORD) for reader in readers]
        opened.extend(new)
        return new

    yield sign_in
    # Closing the sockets ends the server's threads, which close their database connections.
    for phone in opened:
        phone.close()


@pytest.fixture
def probe() -> Iterator[CheckProbe]:
    with CheckProbe().installed() as installed:
        yield installed


@pytest.fixture(autouse=True)
def _quiet_request_log() -> Iterator[None]:
    """Hundreds of expected 409s (and 503s in the control) would each be logged.

    A 500 does not go unnoticed: every test checks every status code.
    """
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)
