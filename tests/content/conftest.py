"""Content fixtures: a lecture with two places at 14:00 on DAY, announcements by lin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from seatback.content import services
from seatback.content.models import Lecture
from seatback.core import clock
from seatback.readers.models import Reader
from tests.conftest import at


@pytest.fixture(autouse=True)
def nine_am() -> None:
    clock.travel_to(at("09:00"))


@pytest.fixture
def lecture(lin: Reader) -> Lecture:
    return services.save_lecture(
        lin,
        None,
        {
            "title": "三体与宇宙社会学",
            "speaker": "王教授",
            "place": "报告厅 A",
            "starts_at": at("14:00"),
            "ends_at": at("15:30"),
            "capacity": 2,
        },
        now=at("08:00"),
    )


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    def make(reader: Reader | None = None, language: str | None = None) -> Client:
        client = Client()
        if reader is not None:
            client.force_login(reader)
        if language:
            client.cookies["django_language"] = language
        return client

    return make
