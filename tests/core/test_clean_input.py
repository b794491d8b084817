"""CleanInputMiddleware: a path, query, cookie or form field carrying NUL, a surrogate or
a control character is a 400 before any view or query (on PostgreSQL it was a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/s/AB%00CD", "/s/%0D%0Aforged", "/backoffice/seats/%00/"])
def test_a_control_character_in_a_page_address_is_a_400(lin: Reader, path: str) -> None:
    client = Client()
    client.force_login(lin)

    response = client.get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/backoffice/readers/", {"q": "2023\x000001"}),
        ("/backoffice/seats/", {"code": "AB\x00"}),
        ("/backoffice/seats/", {"label": "A\x7f"}),
        ("/backoffice/audit/", {"who": "x", "act\x00ion": "y"}),
    ],
)
def test_a_back_office_search_with_nul_is_a_400(
    lin: Reader, seat: Seat, path: str, query: dict[str, str]
) -> None:
    client = Client()
    client.force_login(lin)

    response = client.get(path, query)

    assert response.status_code == 400


def test_a_sign_in_form_with_nul_is_a_400_and_a_tab_in_a_note_is_not(alice: Reader) -> None:
    response = Client().post("/login", {"card_number": "2023\x000001", "password": PASSWORD})
    assert response.status_code == 400


def test_a_forged_session_cookie_with_nul_is_a_400(alice: Reader, seat: Seat) -> None:
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"

    assert client.get(f"/s/{seat.code}").status_code == 400


def test_clean_requests_pass(alice: Reader, seat: Seat) -> None:
    client = Client()
    client.force_login(alice)

    assert client.get(f"/s/{seat.code}", {"from": "二楼 A\t1"}).status_code == 200
