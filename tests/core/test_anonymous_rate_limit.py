"""Anything reachable without signing in is rate-limited per client address."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from seatback.readers.models import Reader


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_ANONYMOUS_PER_MINUTE=3)
def test_an_anonymous_client_is_slowed_down_and_told_when_to_come_back(client: Client) -> None:
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
    page = client.get("/")
    assert page.status_code == 429
    assert int(page["Retry-After"]) >= 1
    assert "请稍后再试" in page.content.decode()
    api = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "rate_limited"
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.get("/healthz").status_code == 200  # another address is not affected


@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_ANONYMOUS_PER_MINUTE=2)
def test_signed_in_readers_are_not_counted_as_anonymous(client: Client, alice: Reader) -> None:
    client.force_login(alice)
    assert {client.get("/").status_code for _ in range(5)} == {200}


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_ANONYMOUS_PER_MINUTE=3)
def test_a_made_up_bearer_token_is_still_anonymous(client: Client) -> None:
    junk = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    statuses = [client.get("/healthz", **junk).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/me", **junk).status_code == 429


@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_ANONYMOUS_PER_MINUTE=2)
def test_a_real_bearer_token_is_signed_in(client: Client, alice: Reader) -> None:
    from seatback.core import clock
    from seatback.readers.models import ApiToken

    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(alice, clock.now())}"}
    assert {client.get("/api/v1/me", **token).status_code for _ in range(5)} == {200}


@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_ANONYMOUS_PER_MINUTE=2, RATE_LIMIT_READS_PER_MINUTE=2)
def test_a_deactivated_readers_token_is_anonymous(client: Client, alice: Reader) -> None:
    """Under /api/ the API settles whom the token names, elsewhere the limit itself; either
    way a token whose reader was deactivated is limited by its address, and does not use
    up that reader's own reads."""
    from seatback.core import clock
    from seatback.readers.models import ApiToken

    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(alice, clock.now())}"}
    assert client.get("/api/v1/me", **token).status_code == 200  # token and reader cached
    Reader.objects.filter(pk=alice.pk).update(is_active=False)
    api = [client.get("/api/v1/openapi.json", **token).status_code for _ in range(3)]
    assert api == [200, 200, 429]
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert [elsewhere.get("/healthz", **token).status_code for _ in range(3)] == [200, 200, 429]

    Reader.objects.filter(pk=alice.pk).update(is_active=True)
    assert client.get("/api/v1/me", **token).status_code == 200  # 2 of 2 reads: her own
