"""A seat's code is replaced (`seatback qr revoke` or the back office): the old label then
opens a page saying it is out of date, never the seat, and each such scan is counted."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.core import clock
from seatback.labels import services
from seatback.labels.models import RetiredCode
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, ScanRecord
from tests.commands.conftest import run
from tests.conftest import at


def test_a_replaced_code_opens_the_out_of_date_page_and_the_scan_is_counted(
    study: Room, alice: Reader
) -> None:
    seat = study.seats.get(label="A-7")
    old = seat.code

    run("qr", "revoke", "--room", study.name, "--label", "A-7")

    seat.refresh_from_db()
    assert seat.code != old
    phone = Client()
    phone.force_login(alice)
    clock.travel_to(at("10:15"))
    page = phone.get(f"/s/{old}")  # Chinese, the default language
    assert page.status_code == 410
    text = page.content.decode()
    assert "此标签已过期" in text
    assert "请告知图书管理员" in text
    assert "二楼自习室" in text and "A-7" in text  # so the reader can say which sticker
    assert seat.code not in text  # never the new code, never the seat's page
    assert 'name="intent"' not in text
    retired = RetiredCode.objects.get(code=old)
    assert retired.seat == seat
    assert retired.scans == 1
    assert retired.last_scanned_at is not None
    assert abs((retired.last_scanned_at - at("10:15")).total_seconds()) < 60

    # A form posted from a page opened before the change does nothing to the seat.
    posted = phone.post(f"/s/{old}", {"intent": "challenge"})
    assert posted.status_code == 410
    retired.refresh_from_db()
    assert retired.scans == 2
    assert not Challenge.objects.filter(seat=seat).exists()
    assert not ScanRecord.objects.filter(seat=seat).exists()

    # The new label opens the seat.
    assert phone.get(f"/s/{seat.code}").status_code == 200


def test_the_out_of_date_page_in_english_and_without_signing_in(study: Room) -> None:
    seat = study.seats.get(label="A-1")
    old = seat.code
    services.reissue([seat], now=clock.now(), actor=None)

    phone = Client()
    phone.cookies["django_language"] = "en"
    page = phone.get(f"/s/{old}")

    assert page.status_code == 410
    assert "This label is out of date" in page.content.decode()
    assert RetiredCode.objects.get(code=old).scans == 1


def test_an_unknown_code_is_still_unknown_and_not_counted(study: Room) -> None:
    page = Client().get("/s/never-was-a-code")
    assert page.status_code == 404
    assert "已过期" not in page.content.decode()
    assert not RetiredCode.objects.exists()


def test_the_api_says_unknown_seat_and_retired(study: Room, alice: Reader) -> None:
    seat = study.seats.get(label="A-2")
    old = seat.code
    api = Client()
    api.force_login(alice)
    services.reissue([seat], now=clock.now(), actor=None)

    for response in (
        api.get(f"/api/v1/seats/{old}"),
        api.get(f"/api/v1/seats/{old}/watch"),
        api.post(f"/api/v1/seats/{old}/challenge", {}, content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_seat"
        assert response.json()["error"]["retired"] is True
    never = api.get("/api/v1/seats/never-was-a-code")
    assert never.status_code == 404
    assert "retired" not in never.json()["error"]
    assert api.get(f"/api/v1/seats/{seat.code}").json()["label"] == "A-2"


def test_a_whole_room_gets_new_codes(study: Room, library: object) -> None:
    other = Room.objects.create(library=study.library, name="三楼阅览室", floor="3")
    untouched = Seat.objects.create(room=other, label="B-1")
    before = dict(study.seats.values_list("pk", "code"))

    out, _err = run("qr", "revoke", "--room", study.name, "--all")

    after = dict(study.seats.values_list("pk", "code"))
    assert after.keys() == before.keys()
    assert not set(after.values()) & set(before.values())
    assert set(RetiredCode.objects.values_list("code", flat=True)) == set(before.values())
    assert "30 seats have new codes" in out
    phone = Client()
    for old in list(before.values())[:5]:
        assert phone.get(f"/s/{old}").status_code == 410
    assert Seat.objects.get(pk=untouched.pk).code == untouched.code
    # One audit entry per seat, with fingerprints and never the codes themselves.
    entries = AuditEntry.objects.filter(action="seat.reissue_code")
    assert entries.count() == 30
    entry = entries.get(target_id=str(study.seats.get(label="A-3").pk))
    old_code = before[int(entry.target_id)]
    assert entry.before == {"code_fingerprint": services.fingerprint(old_code)}
    assert entry.after == {"code_fingerprint": services.fingerprint(after[int(entry.target_id)])}
    assert old_code not in str(entry.before) + str(entry.after) + entry.note
    assert entry.actor is None and entry.note == "seatback qr revoke"


def test_a_code_is_replaced_again_and_both_old_ones_say_out_of_date(study: Room) -> None:
    seat = study.seats.get(label="A-9")
    first = seat.code
    services.reissue([seat], now=clock.now(), actor=None)
    second = seat.code
    services.reissue([seat], now=clock.now(), actor=None)

    phone = Client()
    assert phone.get(f"/s/{first}").status_code == 410
    assert phone.get(f"/s/{second}").status_code == 410
    assert phone.get(f"/s/{seat.code}").status_code == 200


def test_no_seat_ever_gets_a_replaced_code(study: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    seat = study.seats.get(label="A-4")
    old = seat.code
    services.reissue([seat], now=clock.now(), actor=None)

    # A new code that happens to equal a replaced one (or a seat's) is drawn again.
    draws = iter([old, study.seats.get(label="A-5").code, "fresh-code-0123456789"])
    monkeypatch.setattr(services, "new_seat_code", lambda: next(draws))
    assert services.unused_code() == "fresh-code-0123456789"

    # A new seat whose random default is a replaced code gets another one.
    monkeypatch.setattr(services, "new_seat_code", lambda: "another-fresh-code-01")
    created = Seat.objects.create(room=study, label="A-99", code=old)
    assert created.code == "another-fresh-code-01"

    # Changing a seat's code to a replaced one by hand is refused.
    seat.code = old
    with pytest.raises(ValueError, match="replaced"):
        seat.save()
    assert Seat.objects.get(pk=seat.pk).code != old
