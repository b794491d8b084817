"""Campus sign-in by LDAP against a real OpenLDAP server (slapd) started by the tests."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from seatback.readers.models import Reader
from tests.pages.conftest import page_text
from tests.readers.conftest import ADMIN, ADMIN_PASSWORD, BASE, LOCAL

pytestmark = pytest.mark.django_db


def directory(url: str) -> override_settings:
    return override_settings(
        LDAP_URL=url,
        LDAP_BIND_DN=ADMIN,
        LDAP_BIND_PASSWORD=ADMIN_PASSWORD,
        LDAP_BASE_DN=f"ou=people,{BASE}",
        LDAP_FILTER="(uid={card_number})",
        LDAP_ATTRIBUTES={
            "card_number": "uid",
            "name": "cn",
            "department": "departmentNumber",
            "kind": "employeeType",
            "groups": "businessCategory",
        },
        SIGN_IN_KINDS={"graduate": "postgraduate"},
        SIGN_IN_LIBRARIAN_GROUPS=["library-staff"],
        AUTHENTICATION_BACKENDS=[LOCAL, "seatback.readers.backends.LdapBackend"],
    )


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_the_campus_password_signs_in_and_maps_the_entry(slapd: str) -> None:
    client = english()
    with directory(slapd):
        done = client.post("/login", {"card_number": "20239201", "password": "campus-pass"})
    assert done.status_code == 302
    reader = Reader.objects.get(card_number="20239201")
    assert (reader.name, reader.department, reader.kind) == ("吴同学", "历史学院", "postgraduate")
    assert reader.is_staff and not reader.has_usable_password()


@pytest.mark.parametrize(
    ("card", "password"),
    [("20239201", "wrong"), ("20239201", ""), ("nobody", "campus-pass"), ("*", "campus-pass")],
)
def test_a_wrong_password_or_an_unknown_card_is_refused(
    slapd: str, card: str, password: str
) -> None:
    with directory(slapd):
        page = english().post("/login", {"card_number": card, "password": password})
    assert page.status_code == 400
    assert "Card number or password is wrong." in page_text(page)
    assert not Reader.objects.exists()


def test_a_directory_that_does_not_answer_is_said_and_local_sign_in_still_works(
    alice: Reader,
) -> None:
    with directory("ldap://127.0.0.1:9"):
        down = english().post("/login", {"card_number": "20239201", "password": "campus-pass"})
        assert "The campus sign-in service (LDAP) does not answer" in page_text(down)
        local = english().post(
            "/login", {"card_number": alice.card_number, "password": "correct horse"}
        )
    assert local.status_code == 302
