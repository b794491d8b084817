"""/api/v1/library/…: loans and renewals over SIP2, search, ISBN look-up, purchase requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from seatback.catalogue.marc import import_file
from seatback.circulation.sip2_client import forget_clients
from seatback.readers.models import Reader
from tests.api.conftest import at_clock, bearer
from tests.catalogue.marcfiles import THREE_BODY, write
from tests.circulation.conftest import start_fake, stock
from tests.circulation.sip2fake import FakeSip2
from tests.conftest import at


@pytest.fixture
def sip2(settings: Any, alice: Reader) -> Iterator[FakeSip2]:
    forget_clients()
    at_clock(at("09:30"))
    fake = start_fake(settings, encoding="gbk")
    stock(fake, alice.card_number)
    yield fake
    forget_clients()
    fake.stop()


def test_loans_and_renewals_over_sip2(alice: Reader, sip2: FakeSip2) -> None:
    client = bearer(alice, **{"Accept-Language": "en"})
    loans = client.get("/api/v1/library/loans").json()["loans"]
    assert [(loan["item"], loan["overdue"]) for loan in loans] == [
        ("3900001", True),
        ("3900003", False),
        ("3900002", False),
    ]
    assert loans[0]["title"] == "億萬年的東方"
    one = client.post("/api/v1/library/loans/3900002/renew").json()
    assert one["renewed"] is True and one["due"].startswith("2026-12-31T23:59:59")
    every = client.post("/api/v1/library/loans/renew-all").json()
    assert every["whole"] is True and every["renewed"] == 2
    refused = next(r for r in every["results"] if r["item"] == "3900003")
    assert refused == {
        "item": "3900003",
        "title": "Perl 5 desktop reference",
        "renewed": False,
        "due": None,
        # 66 lists the items not renewed (BN) without a reason for each
        "reason": "",
        "message": "《Perl 5 desktop reference》 was not renewed: "
        "the library's system refused it without saying why.",
    }


def test_a_server_gone_is_503_with_a_sentence_not_a_renewal(alice: Reader, sip2: FakeSip2) -> None:
    client = bearer(alice, **{"Accept-Language": "en"})
    sip2.stop()
    forget_clients()
    response = client.post("/api/v1/library/loans/3900002/renew")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "library_unavailable"
    assert sip2.renewed == []


def test_search_without_signing_in(db: None, tmp_path: Path) -> None:
    import_file(str(write(tmp_path / "b.iso", THREE_BODY, "gbk")))
    body = Client().get("/api/v1/library/search", {"q": "三体"}).json()
    assert body["total"] == 2
    assert [hit["title"] for hit in body["hits"]] == ["三体", "三体Ⅱ：黑暗森林"]
    assert body["hits"][1]["location"] == "二楼 中文图书借阅室"


def test_isbn_look_up_and_purchase_requests(alice: Reader, bob: Reader) -> None:
    assert bearer(alice).get("/api/v1/library/isbn/9780596000272").status_code == 400
    looked = bearer(alice).get("/api/v1/library/isbn/0596000278").json()
    assert looked == {"isbn": "9780596000271", "owned": [], "request": None}
    first = bearer(alice).post(
        "/api/v1/library/purchase-requests",
        {"isbn": "0596000278", "note": "课程"},
        content_type="application/json",
    )
    assert first.status_code == 201 and first.json()["joined"] is False
    second = bearer(bob).post(
        "/api/v1/library/purchase-requests",
        {"isbn": "978-0-596-00027-1"},
        content_type="application/json",
    )
    assert second.status_code == 200 and second.json()["joined"] is True
    assert second.json()["request"]["id"] == first.json()["request"]["id"]
    mine = bearer(bob).get("/api/v1/library/purchase-requests").json()["requests"]
    assert [r["isbn"] for r in mine] == ["9780596000271"]
    bad = bearer(bob).post(
        "/api/v1/library/purchase-requests",
        {"isbn": 9780596000271},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_signed_out_cannot_renew_or_ask(db: None) -> None:
    assert Client().post("/api/v1/library/loans/renew-all").status_code == 401
    assert Client().get("/api/v1/library/isbn/0596000278").status_code == 401
