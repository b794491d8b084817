"""A database that cannot be reached (down, or PostgreSQL out of connections in a rush:
"sorry, too many clients already") is a 503 with Retry-After, like Redis gone, not a 500
(issue 17). Reproduced for real: the connection is pointed at a database that does not
exist, on whichever database the suite runs, then pointed back."""

from __future__ import annotations

import pytest
from django.db import connection

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.api.conftest import at_clock, bearer, error_of
from tests.conftest import at


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_answers_503_with_retry_after(alice: Reader, seat: Seat) -> None:
    at_clock(at("09:00"))
    api = bearer(alice)
    api.raise_request_exception = False
    assert api.get(f"/api/v1/seats/{seat.code}").status_code == 200  # the token now cached
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = (
        "/nonexistent-seatback-folder/db.sqlite3"
        if connection.vendor == "sqlite"
        else "seatback_no_such_database"
    )
    try:
        read = api.get(f"/api/v1/seats/{seat.code}")
        scan = api.post(
            f"/api/v1/seats/{seat.code}/challenge", "{}", content_type="application/json"
        )
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name

    # A read fails in Django's handler; a scan inside its own guard (busy_when_contended),
    # which has always said "busy" when the database does not answer. Both: retry later.
    for answer, code in ((read, "unavailable"), (scan, "busy")):
        assert answer.status_code == 503
        assert error_of(answer)["code"] == code
        assert int(answer["Retry-After"]) > 0
    # The database back, the next request is answered as before.
    assert api.get(f"/api/v1/seats/{seat.code}").status_code == 200
