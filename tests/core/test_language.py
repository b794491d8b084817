"""Simplified Chinese by default; English when the reader picks it (and it sticks)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_is_in_chinese_by_default(client: Client) -> None:
    for asked in ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}, {"HTTP_ACCEPT_LANGUAGE": "fr"}):
        text = client.get("/", **asked).content.decode()
        assert '<html lang="zh-CN">' in text
        assert "阅览室" in text and "Reading rooms" not in text


@pytest.mark.django_db
def test_a_first_visit_follows_the_browser_and_the_language_button_overrides_it(
    client: Client,
) -> None:
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,zh;q=0.5")
    assert '<html lang="en">' in english.content.decode()
    assert "Accept-Language" in english["Vary"]
    client.post("/language", {"language": "zh-hans", "next": "/"})
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-CN">' in chinese.content.decode()


@pytest.mark.django_db
def test_a_reader_switches_to_english_and_back(client: Client) -> None:
    response = client.post("/language", {"language": "en", "next": "/"})
    assert response.status_code == 302
    text = client.get("/").content.decode()
    assert '<html lang="en">' in text
    assert "Reading rooms" in text
    client.post("/language", {"language": "zh-hans", "next": "/"})
    assert "阅览室" in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_unknown_language_is_refused_and_changes_nothing(client: Client) -> None:
    response = client.post("/language", {"language": "klingon", "next": "/"})
    assert response.status_code == 400
    assert "django_language" not in response.cookies
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_api_answers_in_the_language_asked_for(client: Client) -> None:
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/me")
    assert english.status_code == chinese.status_code == 401
    assert english.json()["error"]["message"] == "Please sign in first."
    assert chinese.json()["error"]["message"] == "请先登录。"
