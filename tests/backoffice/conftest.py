"""Back-office tests: the clock at 09:00 on DAY, an administrator next to lin the librarian,
and signed-in test clients for each of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from seatback.core import clock
from seatback.readers.models import Reader, Violation
from tests.conftest import at, make_reader


@pytest.fixture(autouse=True)
def nine_am(monkeypatch: pytest.MonkeyPatch) -> None:
    """09:00 on DAY, and the clock stands still: each change is stamped exactly then."""
    frozen = datetime.now(UTC)
    monkeypatch.setattr(clock, "timezone", SimpleNamespace(now=lambda: frozen))
    clock.travel_to(at("09:00"))


@pytest.fixture
def admin(db: None) -> Reader:
    return Reader.objects.create_superuser("A0001", "correct horse", name="Admin 周")


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """A browser signed in as `reader` (None: signed out); language="en" for English."""

    def make(reader: Reader | None = None, language: str | None = None) -> Client:
        client = Client()
        if reader is not None:
            client.force_login(reader)
        if language:
            client.cookies["django_language"] = language
        return client

    return make


@pytest.fixture
def as_lin(client_for: Callable[..., Client], lin: Reader) -> Client:
    return client_for(lin, language="en")


@pytest.fixture
def as_admin(client_for: Callable[..., Client], admin: Reader) -> Client:
    return client_for(admin, language="en")


@pytest.fixture
def violation(alice: Reader) -> Violation:
    return Violation.objects.create(
        reader=alice, kind=Violation.Kind.NO_SHOW, at=at("08:00"), key="test:alice:1"
    )


def make_librarian(card: str = "L0002") -> Reader:
    return make_reader(card, "Librarian 2", is_staff=True, kind=Reader.Kind.STAFF)
