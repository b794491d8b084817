"""Sign-in through the library's system (SIP2 23/24), creating the reader the first time."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from seatback.circulation.sip2_client import forget_clients
from seatback.readers.models import Reader
from tests.circulation.conftest import start_fake
from tests.circulation.sip2fake import FakePatron, FakeSip2

BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "seatback.circulation.backends.IlsBackend",
]


@pytest.fixture
def ils(settings: Any, db: None) -> Any:
    forget_clients()
    fake = start_fake(settings, encoding="gbk")
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    fake.add(FakePatron("20249999", "東方億", "1234"))
    fake.add(FakePatron("L0001", "林老师", "1234"))
    yield fake
    forget_clients()
    fake.stop()


def sign_in(card: str, password: str) -> Any:
    return Client().post(
        "/api/v1/session",
        {"card_number": card, "password": password},
        content_type="application/json",
    )


def test_a_card_the_ils_knows_signs_in_and_the_reader_is_created(ils: FakeSip2) -> None:
    assert sign_in("20249999", "1234").status_code == 200
    reader = Reader.objects.get(card_number="20249999")
    assert reader.name == "東方億"  # GBK, with a "|" byte, read whole
    assert not reader.has_usable_password()
    assert sign_in("20249999", "1234").status_code == 200
    assert Reader.objects.filter(card_number="20249999").count() == 1


def test_a_wrong_password_or_unknown_card_is_refused(ils: FakeSip2) -> None:
    assert sign_in("20249999", "9999").status_code == 401
    assert sign_in("nobody", "1234").status_code == 401
    assert not Reader.objects.filter(card_number__in=["20249999", "nobody"]).exists()


def test_librarians_use_their_seatback_password(ils: FakeSip2, lin: Reader) -> None:
    assert sign_in("L0001", "1234").status_code == 401
    assert sign_in("L0001", "correct horse").status_code == 200


def test_the_ils_down_refuses_without_an_error(ils: FakeSip2, alice: Reader) -> None:
    ils.stop()
    forget_clients()
    assert sign_in("20249999", "1234").status_code == 401
    assert sign_in(alice.card_number, "correct horse").status_code == 200
