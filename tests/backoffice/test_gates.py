"""Buildings, gates and their keys in the back office (administrators only)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.core.errors import Refusal
from seatback.gates.models import Building, Gate
from seatback.gates.services import sign, verify
from seatback.readers.models import Reader
from tests.conftest import at

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_building_and_a_gate_and_sees_its_key_once(
    as_admin: Client, admin: Reader
) -> None:
    as_admin.post(
        "/backoffice/headcount/buildings",
        {"name": "逸夫楼", "capacity": "800", "warn_percent": "90"},
    )
    building = Building.objects.get()

    page = as_admin.post(
        f"/backoffice/headcount/buildings/{building.pk}/gates",
        {"code": "East 1", "name": "East entrance", "floor": ""},
    )

    gate = Gate.objects.get()
    assert (gate.code, gate.building, gate.floor) == ("east-1", building, "")
    shown = re.search(r"<code data-key>([^<]+)</code>", page.content.decode())
    assert shown and shown.group(1) == gate.key
    assert gate.key not in as_admin.get("/backoffice/headcount/gates").content.decode()
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"building.save", "gate.add"}


def test_a_new_key_stops_the_old_one(as_admin: Client, building: Building) -> None:
    gate = Gate.objects.create(code="east-1", name="East", building=building)
    old = gate.key

    page = as_admin.post(f"/backoffice/headcount/gates/{gate.pk}/key")

    gate.refresh_from_db()
    assert gate.key != old and gate.key in page.content.decode()
    body, moment = b'{"events": []}', at("09:00")

    stamp = int(moment.timestamp())
    with pytest.raises(Refusal):
        verify(
            gate.code,
            str(stamp),
            "nonce-0001",
            sign(old, stamp, "nonce-0001", body),
            body,
            now=moment,
            via="http",
        )
    assert (
        verify(
            gate.code,
            str(stamp),
            "nonce-0002",
            sign(gate.key, stamp, "nonce-0002", body),
            body,
            now=moment,
            via="http",
        )
        == gate
    )


def test_a_bad_capacity_is_refused_and_nothing_changes(as_admin: Client) -> None:
    page = as_admin.post(
        "/backoffice/headcount/buildings", {"name": "逸夫楼", "capacity": "lots"}, follow=True
    )

    assert "capacity must be a whole number" in page.content.decode().lower()
    assert not Building.objects.exists()


def test_a_librarian_cannot_see_or_change_gates(as_lin: Client, building: Building) -> None:
    assert as_lin.get("/backoffice/headcount/gates").status_code == 403
    response = as_lin.post(
        f"/backoffice/headcount/buildings/{building.pk}/gates", {"code": "sneaky"}
    )
    assert response.status_code == 403
    assert not Gate.objects.exists()


@pytest.fixture
def building(db: None) -> Building:
    return Building.objects.create(name="逸夫楼")
