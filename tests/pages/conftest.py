"""Page tests: the Django test client, the clock pinned to 09:00 on DAY (rooms open,
outside the protected windows), and helpers that read a page as a person would."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from seatback.core import clock
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats import services
from seatback.seats.models import Hold
from tests.conftest import at


@pytest.fixture(autouse=True)
def nine_am() -> None:
    clock.travel_to(at("09:00"))


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """A phone signed in as `reader`; language="en" sets the language cookie."""

    def make(reader: Reader | None = None, language: str | None = None) -> Client:
        client = Client()
        if reader is not None:
            client.force_login(reader)
        if language:
            client.cookies["django_language"] = language
        return client

    return make


def zh(text: str) -> str:
    """`text` as a reader sees it by default (Simplified Chinese, where translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def en(text: str) -> str:
    return text


def page_text(response: HttpResponse) -> str:
    """What a person reads on the page: the text without tags, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def buttons(response: HttpResponse) -> list[str]:
    """The labels of the page's buttons, in order."""
    found = re.findall(r"<button\b[^>]*>(.*?)</button>", response.content.decode(), flags=re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", b))).strip() for b in found]


def primary_button(response: HttpResponse) -> str | None:
    match = re.search(
        r'<button class="primary" type="submit">(.*?)</button>', response.content.decode(), re.S
    )
    return html.unescape(match.group(1)).strip() if match else None


def scan(seat: Seat, reader: Reader, intent: str, **kwargs: object) -> str:
    """An intent performed directly through the service, at the server clock's now."""
    return services.perform(seat, reader, intent, now=clock.now(), **kwargs).outcome  # type: ignore[arg-type]


def give_seat(seat: Seat, reader: Reader, since: datetime | None = None) -> Hold:
    """The reader holds the seat (as after a check-in), without any challenge."""
    return Hold.objects.create(
        seat=seat,
        reader=reader,
        source=Hold.Source.CHECKIN,
        since=since or clock.now(),
        closes_at=at("22:30"),
    )
