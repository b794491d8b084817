"""/backoffice/rooms/{id}/plan: an administrator uploads a drawing and drags seats; each
change is audited, a bad drawing changes nothing, and a librarian may do neither."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from seatback.audit.models import AuditEntry
from seatback.plans.models import Plan
from tests.plans.conftest import SVG

pytestmark = pytest.mark.django_db


def test_an_uploaded_svg_becomes_the_plan(as_admin, seat, other_seat):
    url = f"/backoffice/rooms/{seat.room_id}/plan"
    assert "has no plan yet" in as_admin.get(url).content.decode()
    response = as_admin.post(url, {"drawing": SimpleUploadedFile("room.svg", SVG, "image/svg+xml")})
    assert response.status_code == 302
    assert len(Plan.objects.get(room=seat.room).drawing["shapes"]) == 6
    seat.refresh_from_db()
    assert (seat.x, seat.y) == (10.5, 1.5)
    page = as_admin.get(url).content.decode()
    assert "Plan saved: 6 shapes, 2 seats placed." in page
    assert AuditEntry.objects.filter(action="plan.import").count() == 1


def test_a_bad_upload_is_explained_and_changes_nothing(as_admin, seat):
    url = f"/backoffice/rooms/{seat.room_id}/plan"
    bad = json.dumps({"shapes": [{"kind": "wall", "points": [[0, 0], [5, 0]]}]}).encode()
    response = as_admin.post(url, {"drawing": SimpleUploadedFile("room.json", bad)})
    assert response.status_code == 400
    assert "The plan has no door" in response.content.decode()
    assert not Plan.objects.exists()


def test_dragging_a_seat_saves_its_place_and_audits_it(as_admin, seat):
    url = f"/backoffice/rooms/{seat.room_id}/plan/seats/{seat.pk}"
    response = as_admin.post(url, {"x": "4.25", "y": "3.5"})
    assert response.json() == {"id": seat.pk, "x": 4.25, "y": 3.5}
    seat.refresh_from_db()
    assert (seat.x, seat.y) == (4.25, 3.5)
    entry = AuditEntry.objects.get(action="seat.move")
    assert entry.before == {"x": 1.0, "y": 1.0} and entry.after == {"x": 4.25, "y": 3.5}
    assert as_admin.post(url, {"x": "far", "y": "1"}).status_code == 400
    assert as_admin.post(url, {"x": "1e9", "y": "1"}).status_code == 400


def test_a_librarian_cannot_change_the_plan(as_lin, seat):
    url = f"/backoffice/rooms/{seat.room_id}/plan/seats/{seat.pk}"
    assert as_lin.post(url, {"x": "4", "y": "4"}).status_code == 403
    seat.refresh_from_db()
    assert (seat.x, seat.y) == (1, 1)
    upload = {"drawing": SimpleUploadedFile("room.svg", SVG)}
    assert as_lin.post(f"/backoffice/rooms/{seat.room_id}/plan", upload).status_code == 403
    assert not Plan.objects.exists()
