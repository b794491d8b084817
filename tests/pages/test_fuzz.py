"""Generated requests against the reader's pages and the back office (issue 22): any
path, query and form, signed in as a reader, a librarian or nobody; never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.api.test_fuzz import FUZZ, NASTY, SEGMENT, TEXT

pytestmark = pytest.mark.django_db

PAGES = st.sampled_from(
    ["", "s/SEAT", "me", "login", "logout", "language", "reserve/", "display/rooms/ROOM",
     "display/rooms/ROOM/here", "backoffice/", "backoffice/seats/", "backoffice/seats/SEATID/",
     "backoffice/readers/", "backoffice/audit/", "backoffice/reservations/",
     "backoffice/rooms/ROOM/", "backoffice/labels/", "backoffice/import/"]
)  # fmt: skip
FIELDS = st.dictionaries(
    st.sampled_from(["q", "code", "label", "room", "day", "date", "at", "page", "c", "key",
                     "card_number", "password", "intent", "next", "seat", "format", "who",
                     "action", "minutes", "language"]),
    st.one_of(TEXT, NASTY, st.integers(min_value=-(2**70), max_value=2**70).map(str),
              st.sampled_from(["9999-12-31", "0001-01-01", "2026-12-01", "25:61", "-1"])),
    max_size=4,
)  # fmt: skip


def _safe(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="/")


@FUZZ
@given(
    page=PAGES,
    extra=st.one_of(st.just(""), SEGMENT),
    query=FIELDS,
    form=FIELDS,
    method=st.sampled_from(["GET", "POST", "HEAD"]),
    who=st.sampled_from(["nobody", "alice", "lin"]),
)
def test_no_page_request_makes_a_5xx(
    seat: Seat, alice: Reader, lin: Reader, page: str, extra: str, query: dict[str, str],
    form: dict[str, str], method: str, who: str,
) -> None:  # fmt: skip
    path = page.replace("SEATID", str(seat.pk)).replace("SEAT", seat.code)
    path = path.replace("ROOM", str(seat.room_id)) + extra
    client = Client(raise_request_exception=True)
    if who != "nobody":
        client.force_login({"alice": alice, "lin": lin}[who])
    # The test client cannot encode lone surrogates: they reach a server percent-encoded.
    query_text = "&".join(f"{_safe(k)}={_safe(v)}" for k, v in query.items())
    url = f"/{path}?{query_text}" if query_text else f"/{path}"
    body = [_encode(form)] if method == "POST" else []
    response = client.generic(method, url, *body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (method, url, form, response.status_code)


def _encode(data: dict[str, str]) -> str:
    return "&".join(f"{_safe(k)}={_safe(v)}" for k, v in data.items())
