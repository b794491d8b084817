"""CSV imports in the back office: a dry-run preview that changes nothing, bad rows by line
number, then a confirm step that imports and records who did it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from tests.pages.conftest import page_text

SEATS = (
    "room,label,floor,x,y,features,reservable\n"
    "二楼自习室,A-001,2,1,1,power,no\n"  # unchanged
    "二楼自习室,A-002,2,5,1,,no\n"  # updated (x)
    "二楼自习室,A-003,2,3,1,,yes\n"  # created
    "五楼新室,E-01,5,0,0,,no\n"  # new room and seat
)
READERS = (
    "card_number,name,password,kind,department\n"
    "20230001,Alice 李,,,\n"
    "20239999,New 新,secret1,undergraduate,数学\n"
)


def upload(text: str, name: str = "seats.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def counts() -> tuple[int, int, int, list[tuple[str, float]]]:
    return (
        Room.objects.count(),
        Seat.objects.count(),
        Reader.objects.count(),
        list(Seat.objects.order_by("pk").values_list("label", "x")),
    )


def test_a_dry_run_changes_nothing_then_confirm_imports(as_admin: Client, seat, other_seat, admin):
    before = counts()
    response = as_admin.post(
        "/backoffice/import/", {"action": "preview", "kind": "seats", "file": upload(SEATS)}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Preview of seats.csv (nothing changed yet)" in text
    assert "2 to create, 1 to update, 1 unchanged." in text
    assert "Rooms: 1 to create, 0 to update." in text
    assert "created 二楼自习室 A-003" in text and "updated 二楼自习室 A-002" in text
    assert "room created 五楼新室" in text
    assert counts() == before
    assert not AuditEntry.objects.exists()

    token = response.context["token"]
    done = as_admin.post(
        "/backoffice/import/", {"action": "confirm", "kind": "seats", "token": token}
    )
    assert done.status_code == 302
    assert Seat.objects.count() == before[1] + 2
    assert Room.objects.get(name="五楼新室").floor == "5"
    assert Seat.objects.get(pk=other_seat.pk).x == 5
    entry = AuditEntry.objects.get(action="import.seats")
    assert entry.actor == admin
    assert entry.after == {
        "file": "seats.csv",
        "created": 2,
        "updated": 1,
        "unchanged": 1,
        "rooms_created": 1,
        "rooms_updated": 0,
    }
    # The kept file is used once.
    again = as_admin.post(
        "/backoffice/import/", {"action": "confirm", "kind": "seats", "token": token}
    )
    assert again.status_code == 400
    assert AuditEntry.objects.filter(action="import.seats").count() == 1


def test_bad_rows_are_listed_by_line_and_nothing_changes(as_admin: Client, seat):
    before = counts()
    bad = SEATS + "二楼自习室,,2,1,1,,no\n二楼自习室,A-009,2,left,1,,maybe\n"
    response = as_admin.post(
        "/backoffice/import/", {"action": "preview", "kind": "seats", "file": upload(bad)}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "seats.csv cannot be imported; nothing was changed." in text
    assert "line 6: label: required" in text
    assert "line 7: x: 'left' is not a number" in text
    assert "Import now" not in text
    assert counts() == before


def test_readers_dry_run_then_import(as_admin: Client, alice):
    before = counts()
    response = as_admin.post(
        "/backoffice/import/",
        {"action": "preview", "kind": "readers", "file": upload(READERS, "readers.csv")},
    )
    assert "1 to create, 0 to update, 1 unchanged." in page_text(response)
    assert counts() == before
    as_admin.post(
        "/backoffice/import/",
        {"action": "confirm", "kind": "readers", "token": response.context["token"]},
    )
    assert Reader.objects.get(card_number="20239999").check_password("secret1")
    assert AuditEntry.objects.get(action="import.readers").after["created"] == 1


def test_a_preview_belongs_to_the_session_that_made_it(as_admin: Client, client_for, seat):
    from seatback.readers.models import Reader as R

    response = as_admin.post(
        "/backoffice/import/", {"action": "preview", "kind": "seats", "file": upload(SEATS)}
    )
    other_admin = R.objects.create_superuser("A0002", "pw", name="Other")
    stranger = client_for(other_admin)
    before = counts()
    refused = stranger.post(
        "/backoffice/import/",
        {"action": "confirm", "kind": "seats", "token": response.context["token"]},
    )
    assert refused.status_code == 400
    assert counts() == before


def test_the_command_line_has_a_dry_run_too(db, tmp_path, seat, capsys):
    from django.core.management import call_command

    path = tmp_path / "seats.csv"
    path.write_text(SEATS, encoding="utf-8")
    before = counts()
    call_command("import", "seats", str(path), "--dry-run")
    printed = capsys.readouterr().out
    assert "座位：新建 3，更新 0，未变 1" in printed and "试运行：未做任何更改" in printed
    assert counts() == before
    call_command("import", "seats", str(path))
    assert Seat.objects.count() == before[1] + 3
