"""Seat labels in the back office: librarians download them, administrators give new codes.

Readers get 403, people who are not signed in are sent to the login page.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

import cairosvg
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from seatback.audit.models import AuditEntry
from seatback.labels import services
from seatback.labels.models import RetiredCode
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from tests.conftest import make_reader
from tests.labels.conftest import decode, pdf_pages, seat_url


@pytest.fixture
def admin(db: None) -> Reader:
    return make_reader("A0001", "管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def phone() -> Callable[[Reader | None], Client]:
    def make(person: Reader | None) -> Client:
        client = Client()
        if person is not None:
            client.force_login(person)
        client.cookies["django_language"] = "en"
        return client

    return make


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def pages_for(room: Room) -> list[tuple[str, str, dict[str, str]]]:
    """Every labels page: (method, url, POST data)."""
    return [
        ("get", reverse("labels:rooms"), {}),
        ("get", reverse("labels:room", args=[room.pk]), {}),
        ("get", reverse("labels:export", args=[room.pk]) + "?format=csv", {}),
        ("get", reverse("labels:reissue", args=[room.pk]), {}),
        ("post", reverse("labels:reissue", args=[room.pk]), {"confirm": "yes"}),
    ]


def test_not_signed_in_goes_to_the_login_page(study: Room, phone: Callable[..., Client]) -> None:
    codes = dict(study.seats.values_list("pk", "code"))
    for method, url, data in pages_for(study):
        response = getattr(phone(None), method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("pages:login") + "?next=")
    assert dict(study.seats.values_list("pk", "code")) == codes


def test_a_reader_is_refused(study: Room, alice: Reader, phone: Callable[..., Client]) -> None:
    codes = dict(study.seats.values_list("pk", "code"))
    for method, url, data in pages_for(study):
        assert getattr(phone(alice), method)(url, data).status_code == 403, url
    assert dict(study.seats.values_list("pk", "code")) == codes


def test_a_librarian_exports_but_cannot_give_new_codes(
    study: Room, lin: Reader, phone: Callable[..., Client]
) -> None:
    codes = dict(study.seats.values_list("pk", "code"))
    client = phone(lin)
    listing = client.get(reverse("labels:rooms"))
    assert listing.status_code == 200
    assert "二楼自习室" in listing.content.decode()
    page = client.get(reverse("labels:room", args=[study.pk]))
    assert page.status_code == 200
    assert "Download labels" in page.content.decode()
    assert "Give new codes" not in page.content.decode()
    assert client.get(reverse("labels:reissue", args=[study.pk])).status_code == 403
    refused = client.post(reverse("labels:reissue", args=[study.pk]), {"confirm": "yes"})
    assert refused.status_code == 403
    assert dict(study.seats.values_list("pk", "code")) == codes
    assert not RetiredCode.objects.exists()


def test_a_room_as_a_pdf_download(study: Room, lin: Reader, phone: Callable[..., Client]) -> None:
    response = phone(lin).get(reverse("labels:export", args=[study.pk]), {"format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "labels-" in response["Content-Disposition"]
    pages = pdf_pages(body(response))
    assert len(pages) == 2  # 30 labels, 24 a sheet
    decoded = {url for image, _text in pages for url in decode(image)}
    assert decoded == {seat_url(seat) for seat in study.seats.all()}


def test_selected_seats_as_csv_and_svg(
    study: Room, lin: Reader, phone: Callable[..., Client]
) -> None:
    chosen = [study.seats.get(label="A-12"), study.seats.get(label="A-3")]
    query = {"seat": [seat.pk for seat in chosen]}
    client = phone(lin)

    as_csv = client.get(reverse("labels:export", args=[study.pk]), {**query, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(as_csv).decode("utf-8"))))
    assert [(row["label"], row["url"]) for row in rows] == [
        ("A-3", seat_url(chosen[1])),
        ("A-12", seat_url(chosen[0])),
    ]

    as_svg = client.get(reverse("labels:export", args=[study.pk]), {**query, "format": "svg"})
    assert as_svg["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body(as_svg))) as archive:
        assert sorted(archive.namelist()) == ["二楼自习室/A-12.svg", "二楼自习室/A-3.svg"]
        png = cairosvg.svg2png(bytestring=archive.read("二楼自习室/A-3.svg"), output_width=700)
    assert decode(Image.open(io.BytesIO(png))) == [seat_url(chosen[1])]


def test_seats_of_another_room_or_a_bad_format_are_refused(
    study: Room, lin: Reader, phone: Callable[..., Client]
) -> None:
    other = Room.objects.create(library=study.library, name="三楼阅览室", floor="3")
    stranger = Seat.objects.create(room=other, label="B-1")
    export = reverse("labels:export", args=[study.pk])
    client = phone(lin)

    assert client.get(export, {"seat": stranger.pk, "format": "csv"}).status_code == 400
    assert client.get(export, {"seat": "1; DROP", "format": "csv"}).status_code == 400
    assert client.get(export, {"format": "docx"}).status_code == 400
    assert client.get(reverse("labels:export", args=[9999]), {"format": "csv"}).status_code == 404


def test_an_administrator_gives_chosen_seats_new_codes_after_confirming(
    study: Room, admin: Reader, phone: Callable[..., Client]
) -> None:
    chosen = [study.seats.get(label="A-5"), study.seats.get(label="A-6")]
    before = dict(study.seats.values_list("pk", "code"))
    client = phone(admin)
    reissue = reverse("labels:reissue", args=[study.pk])

    confirm = client.get(reissue, {"seat": [seat.pk for seat in chosen]})
    assert confirm.status_code == 200
    assert "A-5" in confirm.content.decode() and "stop working" in confirm.content.decode()
    unconfirmed = client.post(reissue, {"seat": [seat.pk for seat in chosen]})
    assert unconfirmed.status_code == 400
    assert dict(study.seats.values_list("pk", "code")) == before

    done = client.post(reissue, {"seat": [seat.pk for seat in chosen], "confirm": "yes"})

    assert done.status_code == 302
    assert done["Location"].startswith(reverse("labels:room", args=[study.pk]) + "?seat=")
    after = dict(study.seats.values_list("pk", "code"))
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {seat.pk for seat in chosen}
    for seat in chosen:
        assert client.get(f"/s/{before[seat.pk]}").status_code == 410
        assert client.get(f"/s/{after[seat.pk]}").status_code == 200
    entries = AuditEntry.objects.filter(action="seat.reissue_code", actor=admin)
    assert sorted(int(entry.target_id) for entry in entries) == sorted(s.pk for s in chosen)
    for entry in entries:
        pk = int(entry.target_id)
        assert entry.before == {"code_fingerprint": services.fingerprint(before[pk])}
        assert before[pk] not in str(entry.before) and after[pk] not in str(entry.after)
    assert RetiredCode.objects.filter(retired_by=admin).count() == 2
    # The room page then has those seats ticked, ready to print their new labels.
    page = client.get(done["Location"]).content.decode()
    assert page.count(" checked>") == 2


def test_an_administrator_gives_a_whole_room_new_codes(
    study: Room, admin: Reader, phone: Callable[..., Client]
) -> None:
    before = dict(study.seats.values_list("pk", "code"))

    response = phone(admin).post(reverse("labels:reissue", args=[study.pk]), {"confirm": "yes"})

    assert response.status_code == 302
    after = dict(study.seats.values_list("pk", "code"))
    assert not set(before.values()) & set(after.values())
    assert RetiredCode.objects.count() == 30
    assert AuditEntry.objects.filter(action="seat.reissue_code").count() == 30


def test_a_room_without_seats_has_nothing_to_print_or_reissue(
    library: Library, admin: Reader, phone: Callable[..., Client]
) -> None:
    empty = Room.objects.create(library=library, name="空教室")
    client = phone(admin)

    export = client.get(reverse("labels:export", args=[empty.pk]), {"format": "pdf"})
    assert export.status_code == 302
    assert export["Location"] == reverse("labels:room", args=[empty.pk])
    page = client.get(export["Location"]).content.decode()
    assert "This room has no seats to print." in page
    reissue = client.post(reverse("labels:reissue", args=[empty.pk]), {"confirm": "yes"})
    assert reissue.status_code == 302
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "label", ['=HYPERLINK("http://evil.example/","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
)
def test_a_label_a_spreadsheet_would_run_is_exported_as_text(
    room: Room, lin: Reader, phone: Callable[..., Client], label: str
) -> None:
    """CSV injection (issue 22): the cell starts with an apostrophe, so Excel shows it."""
    Seat.objects.create(room=room, label=label)

    response = phone(lin).get(reverse("labels:export", args=[room.pk]), {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))
    assert [row["label"] for row in rows] == ["'" + label]
    assert rows[0]["room"] == room.name  # ordinary cells are left as they are
