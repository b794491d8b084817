"""The role matrix, data-driven: every URL under /backoffice/ (including those other apps add
later), for anonymous, reader, librarian and administrator, by GET and by POST.

A view wrapped by backoffice.access carries `.role` ("is_librarian" or "is_administrator");
signed out means a redirect to the sign-in page, a role too small means 403, and the right
role means the view runs (whatever it answers then: a page, a redirect, a 400 for an empty
form, 404 for an object id this test cannot guess, 405 for a method it does not accept).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from seatback.readers.models import Reader

PREFIX = "backoffice/"
ROLES = ("is_librarian", "is_administrator")
PEOPLE = ("anonymous", "reader", "librarian", "administrator")
ALLOWED = {
    "is_librarian": {"librarian", "administrator"},
    "is_administrator": {"administrator"},
}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def backoffice_routes() -> list[tuple[str, Any]]:
    routes = _walk(get_resolver().url_patterns)
    return [(route, view) for route, view in routes if route.startswith(PREFIX)]


ROUTES = backoffice_routes()
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def test_the_back_office_has_its_pages():
    routes = {route for route, _view in ROUTES}
    for expected in ("backoffice/", "backoffice/seats/<int:seat_id>/", "backoffice/audit/"):
        assert expected in routes
    assert len(ROUTES) >= 20


@pytest.mark.parametrize(("route", "view"), ROUTES, ids=[route for route, _ in ROUTES])
def test_every_back_office_view_states_its_role(route: str, view: Any) -> None:
    assert getattr(view, "role", None) in ROLES, f"{route} is not wrapped by backoffice.access"


@pytest.fixture
def people(db: None, alice: Reader, lin: Reader, admin: Reader) -> dict[str, Reader | None]:
    return {"anonymous": None, "reader": alice, "librarian": lin, "administrator": admin}


@pytest.fixture
def url_for(seat, alice, violation, room) -> Callable[[str], str]:
    """The route with its parameters filled in with real objects where the name says which."""
    known = {
        "seat_id": seat.pk,
        "reader_id": alice.pk,
        "room_id": room.pk,
        "violation_id": violation.pk,
    }

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name in known:
            return str(known[name])
        return "1" if converter == "int" else "x"

    def build(route: str) -> str:
        return "/" + CONVERTER.sub(fill, route)

    return build


def _denied_as(response: Any) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login?next="):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "allowed"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("route", "view"), ROUTES, ids=[route for route, _ in ROUTES])
def test_role_matrix(route, view, method, people, url_for, client_for):
    role = getattr(view, "role", None)
    assert role in ROLES
    url = url_for(route)
    for who in PEOPLE:
        client: Client = client_for(people[who])
        response = getattr(client, method)(url)
        got = _denied_as(response)
        if who == "anonymous":
            assert got == "login", (url, method, who, response.status_code)
        elif who in ALLOWED[role]:
            assert got == "allowed", (url, method, who, response.status_code)
            assert response.status_code < 500
        else:
            assert got == "forbidden", (url, method, who, response.status_code)
