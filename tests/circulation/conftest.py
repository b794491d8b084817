from __future__ import annotations

from collections.abc import Iterator
from typing import Any as SettingsWrapper

import pytest
from django.utils import translation

from seatback.circulation.sip2_client import forget_clients
from tests.circulation.sip2fake import FakeItem, FakePatron, FakeSip2

# GBK: 東 is 0x96 0x7C and 億 is 0x83 0x7C: both carry a "|" byte.
GBK_NAME = "東方億"
GBK_TITLE = "億萬年的東方"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Outcomes are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def start_fake(settings: SettingsWrapper, **options: object) -> FakeSip2:
    fake = FakeSip2(**options).start()  # type: ignore[arg-type]
    settings.CIRCULATION_BACKEND = "sip2"
    settings.SIP2_HOST = "127.0.0.1"
    settings.SIP2_PORT = fake.port
    settings.SIP2_USER, settings.SIP2_PASSWORD = "sipuser", "sippass"
    settings.SIP2_INSTITUTION = "SEATBACK"
    settings.SIP2_ENCODING = str(options.get("encoding", "utf-8"))
    settings.ILS_TIMEOUT_SECONDS = 3
    return fake


def stock(fake: FakeSip2, card: str) -> None:
    """A reader with three loans: one overdue, one renewable, one someone else wants."""
    fake.add(
        FakePatron(card, GBK_NAME, "1234"),
        FakeItem("3900001", GBK_TITLE, "20261120    235959"),
        FakeItem("3900002", "三体Ⅱ：黑暗森林", "2026-12-10 23:59:59"),
        FakeItem(
            "3900003",
            "Perl 5 desktop reference",
            "20261205    235959",
            renewable=False,
            reason="Item has holds",
        ),
    )


@pytest.fixture
def sip2(settings: SettingsWrapper, alice: object) -> Iterator[FakeSip2]:
    forget_clients()
    fake = start_fake(settings)
    stock(fake, "20230001")
    yield fake
    forget_clients()
    fake.stop()
