"""`seatback backup FILE` and `seatback restore FILE` (issue 22): a backup taken, the
database changed, the backup restored, and every row compared with what was backed up;
SQLite's online backup API on SQLite, pg_dump/pg_restore on PostgreSQL, JSON on either."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management.base import CommandError

from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import ScanRecord
from tests.commands.conftest import run, run_script
from tests.conftest import at, make_reader

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, list[dict[str, object]]]:
    """Every row of every Seatback table, as Django serialises it."""
    return {
        model._meta.label: json.loads(serializers.serialize("json", model.objects.order_by("pk")))
        for model in apps.get_models()
        if model._meta.label.startswith(("library.", "readers.", "seats.", "labels."))
        or model._meta.label in ("reservations.Reservation", "audit.AuditEntry")
    }


def some_data() -> None:
    room = Room.objects.create(library=Library.get(), name="二楼自习室", floor="2")
    seats = [Seat.objects.create(room=room, label=f"A-{n}", x=n, y=1) for n in range(30)]
    alice = make_reader("20230001", "Alice 李")
    for n, seat in enumerate(seats):
        ScanRecord.objects.create(
            seat=seat, reader=alice, intent="challenge", outcome="challenge_started",
            accepted=True, at=at("09:00"), evidence={"n": n, "字": "值"},
        )  # fmt: skip


@pytest.mark.parametrize("fmt", [None, "json"], ids=["native", "json"])
def test_a_restored_backup_is_the_database_as_it_was(tmp_path: Path, fmt: str | None) -> None:
    some_data()
    before = everything()
    file = tmp_path / "backups" / "seatback.bak"

    out, err = run("backup", str(file), *(["--format", fmt] if fmt else []))

    assert f"backup: {file}" in out and file.exists()
    assert "backup:" in err  # progress
    Seat.objects.filter(label="A-3").delete()
    Room.objects.create(library=Library.get(), name="后来的房间")
    Reader.objects.filter(card_number="20230001").update(name="changed")
    make_reader("20239999", "Newcomer")
    assert everything() != before

    out, err = run("restore", str(file), "--yes")

    assert "restore: the database is now" in out
    assert "restore:" in err
    assert everything() == before
    assert not Reader.objects.filter(card_number="20239999").exists()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    some_data()
    junk = tmp_path / "junk.bak"
    junk.write_text("hello")

    with pytest.raises(CommandError, match="not a Seatback backup"):
        run("restore", str(junk), "--yes")
    assert Seat.objects.count() == 30


def test_the_seatback_script_backs_up_while_data_is_there(tmp_path: Path) -> None:
    some_data()
    file = tmp_path / "script.bak"

    result = run_script("backup", str(file), data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    assert file.stat().st_size > 0
    # progress: SQLite's pages copied, or each table pg_dump dumps
    assert "pages (100%)" in result.stderr or "seats_scanrecord" in result.stderr
