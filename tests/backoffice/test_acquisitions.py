"""/backoffice/acquisitions/: the queue, filters, moving a request on, the CSV export."""

from __future__ import annotations

import csv
import io

from django.test import Client

from seatback.catalogue import purchases
from seatback.catalogue.models import PurchaseRequest
from seatback.core import clock
from seatback.notifications.models import Notice
from seatback.readers.models import Reader


def signed_in(reader: Reader) -> Client:
    client = Client()
    client.force_login(reader)
    client.cookies["django_language"] = "en"
    return client


def test_the_queue_filters_and_moves_a_request_on(alice: Reader, bob: Reader, lin: Reader) -> None:
    now = clock.now()
    wanted = purchases.request_purchase(alice, "9787536692930", title="三体Ⅱ", now=now).request
    purchases.request_purchase(bob, "9787536692930", note="me too", now=now)
    purchases.request_purchase(bob, "9780596000271", title="Perl", now=now)
    client = signed_in(lin)
    page = client.get("/backoffice/acquisitions/").content.decode()
    assert page.index("三体Ⅱ") < page.index("Perl")  # more readers first
    assert "Bob 王: me too" in page
    filtered = client.get("/backoffice/acquisitions/", {"q": "perl"}).content.decode()
    assert "Perl" in filtered and "三体Ⅱ" not in filtered
    moved = client.post(
        f"/backoffice/acquisitions/{wanted.pk}/status", {"status": "accepted"}, follow=True
    )
    assert "The readers behind it are told." in moved.content.decode()
    wanted.refresh_from_db()
    assert wanted.status == "accepted"
    assert Notice.objects.filter(reader=bob, params__status="accepted").exists()
    accepted = client.get("/backoffice/acquisitions/", {"status": "accepted"}).content.decode()
    assert "三体Ⅱ" in accepted and "Perl" not in accepted


def test_a_skipped_step_or_a_decline_without_reason_is_refused(alice: Reader, lin: Reader) -> None:
    wanted = purchases.request_purchase(alice, "9787536692930", now=clock.now()).request
    client = signed_in(lin)
    client.post(f"/backoffice/acquisitions/{wanted.pk}/status", {"status": "arrived"})
    client.post(f"/backoffice/acquisitions/{wanted.pk}/status", {"status": "declined"})
    wanted.refresh_from_db()
    assert wanted.status == "new"


def test_a_reader_cannot_move_a_request(alice: Reader) -> None:
    wanted = purchases.request_purchase(alice, "9787536692930", now=clock.now()).request
    response = signed_in(alice).post(
        f"/backoffice/acquisitions/{wanted.pk}/status", {"status": "accepted"}
    )
    assert response.status_code == 403
    assert PurchaseRequest.objects.get().status == "new"


def test_the_csv_export_keeps_formulas_as_text(alice: Reader, lin: Reader) -> None:
    purchases.request_purchase(
        alice, "9787536692930", title='=HYPERLINK("http://x")', note="+1 useful", now=clock.now()
    )
    response = signed_in(lin).get("/backoffice/acquisitions/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["isbn", "title", "status", "readers"]
    assert rows[1][0] == "9787536692930"
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == "'+1 useful"
    assert rows[1][5] == alice.card_number
