"""Error pages: 403, 404 (and a display's wrong key), 429 and 500 in the reader's language,
on the reader pages' WeUI look, phone-sized."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import translation

from seatback.pages import error_views
from tests.pages.conftest import page_text, zh


def looks_like_a_reader_page(body: str) -> None:
    assert 'name="viewport" content="width=device-width' in body
    assert "weui" in body and 'class="weui-msg' in body


def test_an_unknown_address_is_a_friendly_404_in_chinese(client_for):
    response = client_for().get("/no-such-page")
    assert response.status_code == 404
    looks_like_a_reader_page(response.content.decode())
    assert zh("Page not found") in page_text(response)
    assert '<html lang="zh-CN">' in response.content.decode()


def test_and_in_english(client_for):
    response = client_for(language="en").get("/no-such-page")
    assert "Page not found" in page_text(response)


def test_a_wrong_display_key_says_what_it_is(client_for, room):
    response = client_for().get(f"/display/rooms/{room.pk}?key=wrong")
    assert response.status_code == 404
    assert zh("This display link is not valid") in page_text(response)


def test_a_reader_in_the_back_office_gets_a_403_page(client_for, alice):
    response = client_for(alice).get("/backoffice/")
    assert response.status_code == 403
    looks_like_a_reader_page(response.content.decode())
    assert zh("You may not open this page") in page_text(response)


@pytest.mark.django_db
def test_too_many_requests_is_a_page_for_people_and_json_for_programs(settings):
    settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE = 1
    browser = Client(HTTP_ACCEPT="text/html,application/xhtml+xml", HTTP_ACCEPT_LANGUAGE="en")
    browser.get("/")
    refused = browser.get("/")
    assert refused.status_code == 429
    looks_like_a_reader_page(refused.content.decode())
    assert "Too many requests" in page_text(refused)
    assert refused["Retry-After"]
    api = Client().get("/api/v1/rooms")
    assert api.status_code == 429 and api.json()["error"]["code"]


@override_settings(DEBUG=False)
def test_a_server_error_is_a_page_that_needs_no_database(rf):
    # Called bare (no middleware ran), in the default language an earlier test may have
    # changed in this thread.
    with translation.override("zh-hans"):
        response = error_views.server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    looks_like_a_reader_page(body)
    assert zh("Something went wrong") in body
