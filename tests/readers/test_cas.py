"""Campus sign-in by CAS 3.0 against a protocol-faithful server on loopback: the reader is
created from the released attributes, refreshed at each sign-in, signed out everywhere."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client, override_settings

from seatback.readers.models import Reader
from tests.pages.conftest import page_text
from tests.readers.conftest import LOCAL
from tests.readers.fakes import FakeCAS, Person

pytestmark = pytest.mark.django_db

ATTRIBUTES = {
    "card_number": "user",
    "name": "cn",
    "department": "ou",
    "kind": "eduPersonAffiliation",
    "groups": "memberOf",
}


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def campus(fake: FakeCAS) -> override_settings:
    return override_settings(
        CAS_SERVER_URL=fake.url + "/",
        CAS_VERSION="3",
        CAS_ATTRIBUTES=ATTRIBUTES,
        AUTHENTICATION_BACKENDS=[LOCAL, "seatback.readers.backends.CampusCASBackend"],
        SIGN_IN_KINDS={"student": "undergraduate", "graduate": "postgraduate"},
        SIGN_IN_LIBRARIAN_GROUPS=["library-staff"],
    )


def sign_in_through(fake: FakeCAS, client: Client, next_page: str = "/me") -> str:
    """What a phone does: to the CAS server and back with a ticket; returns the ticket."""
    start = client.get(f"/login/cas?next={next_page}")
    assert start.status_code == 302 and start["Location"].startswith(fake.url + "/login")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    location = urlsplit(back.headers["Location"])
    done = client.get(f"{location.path}?{location.query}")
    assert (done.status_code, done["Location"]) == (302, next_page), done.content[:300]
    return parse_qs(location.query)["ticket"][0]


def test_a_first_sign_in_creates_the_reader_from_the_attributes(cas_server: FakeCAS) -> None:
    cas_server.person = Person(
        "20239001",
        {"cn": ["陈同学"], "ou": ["物理学院"], "eduPersonAffiliation": ["student"]},
    )
    client = Client()
    with campus(cas_server):
        sign_in_through(cas_server, client)
        assert client.get("/api/v1/me").json()["reader"]["name"] == "陈同学"
    reader = Reader.objects.get(card_number="20239001")
    assert (reader.name, reader.department, reader.kind) == ("陈同学", "物理学院", "undergraduate")
    assert not reader.has_usable_password() and not reader.is_staff


def test_attributes_and_roles_are_refreshed_at_each_sign_in(cas_server: FakeCAS) -> None:
    Reader.objects.create_user("20239002", "local", name="旧名字")
    cas_server.person = Person(
        "20239002", {"cn": ["新名字"], "memberOf": ["students", "library-staff"]}
    )
    with campus(cas_server):
        sign_in_through(cas_server, Client())
    reader = Reader.objects.get(card_number="20239002")
    assert (reader.name, reader.is_staff) == ("新名字", True)
    cas_server.person = Person("20239002", {"cn": ["新名字"], "memberOf": ["students"]})
    with campus(cas_server):
        sign_in_through(cas_server, Client())
    assert not Reader.objects.get(card_number="20239002").is_staff


def test_a_ticket_counts_once(cas_server: FakeCAS) -> None:
    with campus(cas_server):
        ticket = sign_in_through(cas_server, Client())
        thief = english()
        replay = thief.get(f"/login/cas?next=/me&ticket={ticket}", follow=True)
    assert replay.redirect_chain[-1][0] == "/login"
    assert "The campus sign-in did not go through" in page_text(replay)
    assert thief.get("/me").status_code == 302
    assert len(cas_server.validations) == 2


def test_single_sign_out_from_the_cas_server_ends_the_session(cas_server: FakeCAS) -> None:
    client = Client()
    with campus(cas_server):
        ticket = sign_in_through(cas_server, client)
        assert client.get("/me").status_code == 200
        logout_request = (
            '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'ID="LR-1" Version="2.0" IssueInstant="2026-12-01T01:00:00Z">'
            '<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">20230001'
            f"</saml:NameID><samlp:SessionIndex>{ticket}</samlp:SessionIndex>"
            "</samlp:LogoutRequest>"
        )
        Client().post("/login/cas", {"logoutRequest": logout_request})
        assert client.get("/me").status_code == 302  # back to sign-in


def test_signing_out_ends_the_campus_session_too(cas_server: FakeCAS) -> None:
    client = Client()
    with campus(cas_server):
        sign_in_through(cas_server, client)
        out = client.post("/logout", follow=False)
        assert out["Location"] == "/logout/cas"
        campus_out = client.get("/logout/cas")
    assert campus_out["Location"].startswith(cas_server.url + "/logout")
    assert client.get("/me").status_code == 302


def test_without_cas_configured_its_doors_are_not_found() -> None:
    assert Client().get("/login/cas").status_code == 404


def test_the_sign_in_page_offers_the_campus_account(cas_server: FakeCAS) -> None:
    with campus(cas_server):
        page = page_text(english().get("/login"))
    assert "Sign in with the campus account (unified identity)" in page
    assert "Or with your card number" in page
