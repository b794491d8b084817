"""Campus sign-in by OpenID Connect (discovery, PKCE, RS256 ID tokens, userinfo) against a
provider running on loopback."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client, override_settings

from seatback.readers.models import Reader
from tests.pages.conftest import page_text
from tests.readers.conftest import LOCAL
from tests.readers.fakes import FakeOIDC

pytestmark = pytest.mark.django_db


def campus(fake: FakeOIDC) -> override_settings:
    return override_settings(
        OIDC_ISSUER=fake.issuer,
        OIDC_RP_CLIENT_ID=fake.client_id,
        OIDC_RP_CLIENT_SECRET=fake.client_secret,
        OIDC_ATTRIBUTES={
            "card_number": "preferred_username",
            "name": "name",
            "groups": "groups",
        },
        AUTHENTICATION_BACKENDS=[LOCAL, "seatback.readers.backends.CampusOIDCBackend"],
        SIGN_IN_ADMINISTRATOR_GROUPS=["seatback-admins"],
    )


def sign_in_through(fake: FakeOIDC, client: Client) -> str:
    start = client.get("/login/oidc/authenticate/?next=/me")
    assert start.status_code == 302
    asked = parse_qs(urlsplit(start["Location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"][0]
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    return str(done["Location"])


def test_a_reader_signs_in_and_is_created_from_the_claims(oidc_server: FakeOIDC) -> None:
    oidc_server.claims.update(
        preferred_username="20239101", name="周同学", groups=["students", "seatback-admins"]
    )
    client = Client()
    with campus(oidc_server):
        assert sign_in_through(oidc_server, client) == "/me"
        assert client.get("/api/v1/me").json()["reader"]["name"] == "周同学"
    reader = Reader.objects.get(card_number="20239101")
    assert reader.is_superuser and reader.is_staff and not reader.has_usable_password()
    # PKCE: the token request carried the verifier whose hash the authorization asked with.
    assert oidc_server.token_requests[0]["code_verifier"]


def test_a_code_counts_once(oidc_server: FakeOIDC) -> None:
    with campus(oidc_server):
        client = Client()
        start = client.get("/login/oidc/authenticate/?next=/me")
        back = requests.get(start["Location"], allow_redirects=False, timeout=5)
        callback = urlsplit(back.headers["Location"])
        assert client.get(f"{callback.path}?{callback.query}")["Location"] == "/me"
        # Someone else replaying the callback: the state is not theirs, and with a state
        # of their own the used code is refused by the provider (invalid_grant); either
        # way they are sent back to sign-in.
        thief = Client()
        assert thief.get(f"{callback.path}?{callback.query}")["Location"].startswith("/login")
        thief.get("/login/oidc/authenticate/?next=/me")
        state = thief.session["oidc_states"]
        (own_state,) = state.keys()
        code = parse_qs(callback.query)["code"][0]
        replay = thief.get(f"{callback.path}?code={code}&state={own_state}")
    assert replay["Location"].startswith("/login")
    assert thief.get("/me").status_code == 302


def test_a_provider_that_does_not_answer_is_said_plainly() -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    with override_settings(
        OIDC_ISSUER="http://127.0.0.1:9/realms/gone",
        OIDC_RP_CLIENT_ID="seatback",
        AUTHENTICATION_BACKENDS=[LOCAL, "seatback.readers.backends.CampusOIDCBackend"],
    ):
        response = client.get("/login/oidc/authenticate/", follow=True)
    assert response.redirect_chain[-1][0] == "/login"
    assert "The campus sign-in service does not answer" in page_text(response)
