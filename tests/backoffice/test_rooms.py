"""Rooms and seats: create and edit rooms, close a room or a seat with a reason readers see,
and edit a room's policy with validation and a preview of the effective values."""

from __future__ import annotations

from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.library.models import Library, Room
from tests.pages.conftest import page_text


def test_create_and_edit_a_room(as_admin: Client, admin, library):
    response = as_admin.post("/backoffice/rooms/new", {"name": " 四楼 自习室 ", "floor": "4"})
    room = Room.objects.get(name="四楼 自习室")
    assert response["Location"] == f"/backoffice/rooms/{room.pk}/edit"
    assert room.floor == "4" and room.active
    response = as_admin.post(
        f"/backoffice/rooms/{room.pk}/edit",
        {"name": "四楼自习室", "floor": "4", "latitude": "31.2", "longitude": "121.4"},
    )
    room.refresh_from_db()
    assert (room.name, room.latitude, room.longitude) == ("四楼自习室", 31.2, 121.4)
    edit = AuditEntry.objects.get(action="room.edit")
    assert edit.before["name"] == "四楼 自习室" and edit.after["name"] == "四楼自习室"
    assert AuditEntry.objects.get(action="room.create").actor == admin


def test_a_bad_room_form_changes_nothing(as_admin: Client, room):
    for data in (
        {"name": "", "floor": "2"},
        {"name": "x", "latitude": "north"},
        {"name": "x", "longitude": "200"},
    ):
        response = as_admin.post("/backoffice/rooms/new", data)
        assert response.status_code == 400
    response = as_admin.post("/backoffice/rooms/new", {"name": room.name})
    assert "There is already a room called 二楼自习室." in page_text(response)
    assert Room.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_closed_seat_shows_readers_the_reason(as_lin: Client, seat, client_for, alice, lin):
    response = as_lin.post(
        f"/backoffice/seats/{seat.pk}/active", {"active": "0", "reason": "Broken lamp"}
    )
    assert response["Location"] == f"/backoffice/seats/{seat.pk}/"
    seat.refresh_from_db()
    assert not seat.active and seat.inactive_reason == "Broken lamp"
    reader_page = client_for(alice, "en").get(f"/s/{seat.code}")
    assert "This seat is closed for now. Reason: Broken lamp" in page_text(reader_page)
    entry = AuditEntry.objects.get(action="seat.disable")
    assert entry.actor == lin
    assert entry.before == {"active": True, "inactive_reason": ""}
    assert entry.after == {"active": False, "inactive_reason": "Broken lamp"}

    as_lin.post(f"/backoffice/seats/{seat.pk}/active", {"active": "1"})
    seat.refresh_from_db()
    assert seat.active and seat.inactive_reason == ""
    assert "Broken lamp" not in page_text(client_for(alice, "en").get(f"/s/{seat.code}"))
    assert AuditEntry.objects.filter(action="seat.enable").count() == 1


def test_closing_a_seat_needs_a_reason(as_lin: Client, seat):
    as_lin.post(f"/backoffice/seats/{seat.pk}/active", {"active": "0", "reason": "  "})
    seat.refresh_from_db()
    assert seat.active


def test_a_closed_room_shows_readers_the_reason(as_admin: Client, room, seat, client_for, alice):
    as_admin.post(f"/backoffice/rooms/{room.pk}/active", {"active": "0", "reason": "Exam hall"})
    room.refresh_from_db()
    assert not room.active and room.inactive_reason == "Exam hall"
    text = page_text(client_for(alice, "en").get(f"/s/{seat.code}"))
    assert "The reading room is closed: Exam hall" in text
    assert AuditEntry.objects.get(action="room.disable").after["inactive_reason"] == "Exam hall"


def test_the_policy_preview_shows_default_override_and_effective_and_saves_nothing(
    as_admin: Client, room
):
    Library.objects.filter(pk=room.library_id).update(policy={"claim_window_minutes": 10})
    response = as_admin.post(
        f"/backoffice/rooms/{room.pk}/policy",
        {"action": "preview", "leave_allowance_minutes": "25", "opening_hours": "7:00-23:00"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Preview: these values are valid but not saved yet." in text
    assert "leave_allowance_minutes 20 25 (room)" in text
    assert "claim_window_minutes 10 10" in text
    assert "opening_hours 07:00-22:30 07:00-23:00 (room)" in text
    room.refresh_from_db()
    assert room.policy == {}
    assert not AuditEntry.objects.exists()


def test_saving_a_policy_validates_and_records(as_admin: Client, room, admin):
    bad = as_admin.post(
        f"/backoffice/rooms/{room.pk}/policy",
        {"action": "save", "leave_allowance_minutes": "-5"},
    )
    assert bad.status_code == 400
    assert "leave_allowance_minutes: must not be negative" in page_text(bad)
    room.refresh_from_db()
    assert room.policy == {}

    as_admin.post(
        f"/backoffice/rooms/{room.pk}/policy",
        {"action": "save", "leave_allowance_minutes": "30", "protected_windows": ""},
    )
    room.refresh_from_db()
    assert room.policy == {"leave_allowance_minutes": 30}
    assert room.effective_policy().leave_allowance.total_seconds() == 30 * 60
    entry = AuditEntry.objects.get(action="room.policy")
    assert (entry.before, entry.after, entry.actor) == ({}, {"leave_allowance_minutes": 30}, admin)

    # Emptying the field goes back to the library's value.
    as_admin.post(f"/backoffice/rooms/{room.pk}/policy", {"action": "save"})
    room.refresh_from_db()
    assert room.policy == {}
    assert AuditEntry.objects.filter(action="room.policy").count() == 2
