"""The demo library comes with a staged dispute a librarian can settle from the timeline."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command
from django.test import Client

from seatback.backoffice.timeline import holder_at
from seatback.core import clock
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import ScanRecord
from tests.conftest import at
from tests.pages.conftest import page_text

YESTERDAY = date(2026, 11, 30)  # the clock says 09:00 on 1 December: the story ran yesterday


def test_the_demo_stages_a_dispute_once(db, capsys):
    call_command("demo", "--no-serve")
    seat = Seat.objects.get(room__name="二楼东自习室", label="C-05")
    assert f"/backoffice/seats/{seat.pk}/" in capsys.readouterr().out
    scans = list(ScanRecord.objects.filter(seat=seat).order_by("at"))
    assert [(s.intent, s.outcome) for s in scans] == [
        ("challenge", "challenge_started"),
        ("return", "returned"),
        ("challenge", "challenge_started"),
        ("claim", "too_early"),
        ("claim", "claimed"),
        ("return", "nothing_to_return"),
    ]
    challenger, occupant = (Reader.objects.get(card_number=c) for c in ("20260001", "20260002"))
    now = clock.now()
    answer = holder_at(seat, at("15:20", YESTERDAY), now)
    assert answer.holder == occupant
    assert answer.challenge is not None and answer.challenge.challenger == challenger
    assert holder_at(seat, at("15:35", YESTERDAY), now).holder == challenger
    assert holder_at(seat, at("14:02", YESTERDAY), now).holder is None

    call_command("demo", "--no-serve")
    assert ScanRecord.objects.filter(seat=seat).count() == 6


def test_the_librarian_reads_the_answer_on_the_page(db, client_for):
    call_command("demo", "--no-serve")
    seat = Seat.objects.get(room__name="二楼东自习室", label="C-05")
    librarian: Client = client_for(Reader.objects.get(card_number="L0001"), "en")
    text = page_text(
        librarian.get(f"/backoffice/seats/{seat.pk}/", {"at": "15:20", "date": "2026-11-30"})
    )
    assert "(20260002), since 2026-11-30 14:04:00 until 2026-11-30 15:32:00" in text
    assert "A clock was running then: started by" in text and "deadline 15:30:00" in text
