"""Circulation through Koha's REST API, against a small Koha-shaped HTTP server on loopback
(the shapes of Koha 23.x: /patrons, /checkouts with x-koha-embed, /checkouts/{id}/renewal)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from seatback.circulation import services
from seatback.core.errors import Refusal
from seatback.readers.models import Reader
from tests.conftest import at

NOW = at("09:30")
AUTH = "Basic " + base64.b64encode(b"seatback:s3cret").decode()


class FakeKoha(BaseHTTPRequestHandler):
    checkouts: dict[int, dict[str, Any]] = {}
    renewed: list[int] = []

    def log_message(self, *args: Any) -> None:
        pass

    def answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != AUTH:
            return self.answer(401, {"error": "Authentication failure."})
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/api/v1/patrons":
            card = query.get("cardnumber", [""])[0]
            return self.answer(
                200, [{"patron_id": 51, "cardnumber": card}] if card == "20230001" else []
            )
        if url.path == "/api/v1/checkouts" and query.get("patron_id") == ["51"]:
            embed = self.headers.get("x-koha-embed") == "item.biblio"
            rows = []
            for checkout in self.checkouts.values():
                row = {k: v for k, v in checkout.items() if k != "item" or embed}
                rows.append(row)
            return self.answer(200, rows)
        return self.answer(404, {"error": "Not found"})

    def do_POST(self) -> None:
        if self.headers.get("Authorization") != AUTH:
            return self.answer(401, {"error": "Authentication failure."})
        parts = urlsplit(self.path).path.split("/")
        checkout = self.checkouts.get(int(parts[4])) if len(parts) == 6 else None
        if checkout is None:
            return self.answer(404, {"error": "Checkout doesn't exist"})
        if checkout.get("on_reserve"):
            return self.answer(403, {"error": "Renewal not authorized (on_reserve)"})
        checkout["due_date"] = "2026-12-31T23:59:00+08:00"
        self.renewed.append(checkout["checkout_id"])
        return self.answer(201, {"due_date": checkout["due_date"]})


@pytest.fixture
def koha(settings: Any, alice: Reader) -> Iterator[type[FakeKoha]]:
    FakeKoha.checkouts = {
        7: {
            "checkout_id": 7,
            "due_date": "2026-11-20T23:59:00+08:00",
            "item": {"external_id": "39001", "callnumber": "I247.55", "biblio": {"title": "三体"}},
        },
        8: {
            "checkout_id": 8,
            "due_date": "2026-12-05T23:59:00+08:00",
            "on_reserve": True,
            "item": {"external_id": "39002", "biblio": {"title": "黑暗森林"}},
        },
    }
    FakeKoha.renewed = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKoha)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.CIRCULATION_BACKEND = "koha"
    settings.KOHA_URL = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    settings.KOHA_USER, settings.KOHA_PASSWORD = "seatback", "s3cret"
    yield FakeKoha
    server.shutdown()
    server.server_close()


def test_loans_and_renewals_through_koha(alice: Reader, koha: type[FakeKoha]) -> None:
    loans = services.loans(alice, now=NOW)
    assert [(loan.item, loan.title, loan.overdue(NOW)) for loan in loans] == [
        ("7", "三体", True),
        ("8", "黑暗森林", False),
    ]
    assert loans[0].call_number == "I247.55"
    result = services.renew_all(alice, now=NOW)
    outcomes = {r.item: (r.renewed, r.reason) for r in result.results}
    assert outcomes == {"7": (True, ""), "8": (False, "Renewal not authorized (on_reserve)")}
    assert koha.renewed == [7]


def test_someone_elses_checkout_is_not_renewed(alice: Reader, koha: type[FakeKoha]) -> None:
    assert not services.renew(alice, "99", now=NOW).renewed
    assert koha.renewed == []


def test_wrong_credentials_are_a_clear_refusal(
    alice: Reader, koha: type[FakeKoha], settings: Any
) -> None:
    settings.KOHA_PASSWORD = "wrong"
    with pytest.raises(Refusal) as refused:
        services.renew(alice, "7", now=NOW)
    assert refused.value.code == "library_unavailable"
    assert koha.renewed == []
