"""`seatback gate simulate`: the headcount after a simulated day matches the day's plan,
counted here independently, event by event."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from seatback.gates.models import Building, Gate, GateEvent
from seatback.gates.selectors import inside_counts, never_left
from seatback.gates.simulation import plan_day
from tests.conftest import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_gates(gate: Gate) -> list[Gate]:
    return [gate, Gate.objects.create(code="west-1", name="West", building=gate.building)]


def expected(cards: list[str], gates: list[str], until: str) -> tuple[int, int, int]:
    """Inside, entries and exits by 'until', replaying the plan with nothing but a dict."""
    last: dict[str, str] = {}
    entries = exits = 0
    for event in plan_day(cards, gates, DAY, seed=7):
        if event.at > at(until):
            break
        last[event.card] = event.direction
        entries += event.direction == "in"
        exits += event.direction == "out"
    return sum(d == "in" for d in last.values()), entries, exits


@pytest.mark.parametrize("until", ["09:00", "12:15", "22:29"])
def test_the_headcount_matches_a_simulated_day(two_gates: list[Gate], until: str) -> None:
    out = StringIO()
    call_command(
        "gate", "simulate", "--day", str(DAY), "--until", until, "--readers", "150",
        "--seed", "7", stdout=out,
    )  # fmt: skip

    cards = [f"SIM{n:05d}" for n in range(150)]
    inside, entries, exits = expected(cards, ["east-1", "west-1"], until)
    count = inside_counts(at(until))["逸夫楼"]
    assert (count.inside, count.entries_today, count.exits_today) == (inside, entries, exits)
    assert GateEvent.objects.count() == entries + exits
    assert f"{inside} inside" in out.getvalue()
    if until != "22:29":
        assert count.inside > 0


def test_the_day_looks_like_a_day(two_gates: list[Gate]) -> None:
    call_command(
        "gate", "simulate", "--day", str(DAY), "--readers", "200", "--seed", "3", stdout=StringIO()
    )

    events = list(GateEvent.objects.order_by("at").values_list("direction", "at"))
    lunch_exits = sum(d == "out" and at("11:30") <= t < at("13:00") for d, t in events)
    assert lunch_exits > 50  # about half go out for lunch
    assert min(t for _d, t in events) >= at("07:00")
    # A few forget to swipe out: the day's record of who never left.
    stayed = never_left(DAY)
    assert 0 < len(stayed) < 20
    assert inside_counts(at("23:00"))["逸夫楼"].inside == 0  # reset at closing


def test_without_an_entrance_gate_simulate_says_so(db: None) -> None:
    Building.objects.create(name="空楼")
    with pytest.raises(CommandError, match="entrance gate"):
        call_command("gate", "simulate", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_with_url_the_day_is_sent_signed_to_a_running_server(live_server: Any) -> None:
    building = Building.objects.create(name="逸夫楼")
    Gate.objects.create(code="east-1", name="East", building=building)
    out = StringIO()

    call_command(
        "gate", "simulate", "--day", str(DAY), "--until", "09:00", "--readers", "30",
        "--url", live_server.url, "--speed", "1000000", stdout=out,
    )  # fmt: skip

    sent = [e for e in plan_day([f"SIM{n:05d}" for n in range(30)], ["east-1"], DAY, seed=1)]
    sent = [e for e in sent if e.at <= at("09:00")]
    assert f"{len(sent)} passages sent." in out.getvalue()
    kept = GateEvent.objects.all()
    assert sorted(kept.values_list("event_id", flat=True)) == sorted(e.event_id for e in sent)
    assert set(kept.values_list("via", flat=True)) == {"http"}
