"""`seatback worker` (run_once): reminders about clocks, pushed through the fake WeChat."""

from __future__ import annotations

import time

from seatback.core import clock
from seatback.library.models import Seat
from seatback.notifications.models import Delivery, Notice
from seatback.readers.models import Reader
from seatback.reservations.worker import run_once
from seatback.seats import services
from seatback.wechat.fake import FakeWeChat
from tests.conftest import at
from tests.seats.scans import seat_held_by
from tests.wechat.conftest import bound

BOB = "oBOB_openid_000000000000001"
ALICE = "oALICE_openid_0000000000001"


def tick(moment: str) -> None:
    """A worker round at `moment`, with seatback's clock there too: the background sender
    (notifications.outbox) reads that clock, and one hours off would see the round's own
    claim as stale and send it again."""
    clock.travel_to(at(moment))
    run_once(at(moment))


def settled() -> bool:
    return not Delivery.objects.filter(status__in=["pending", "sending"]).exists()


def test_holder_told_five_minutes_before_and_challenger_when_claimable(
    fake: FakeWeChat, seat: Seat, alice: Reader, bob: Reader
) -> None:
    bound(bob, BOB)
    bound(alice, ALICE)
    seat_held_by(seat, bob, at("08:00"))
    services.perform(seat, alice, "challenge", now=at("09:00"))  # deadline 09:20
    tick("09:14")
    assert not Notice.objects.filter(kind="clock_ending").exists()

    tick("09:15")
    tick("09:16")
    give_up = time.monotonic() + 3
    while not settled() and time.monotonic() < give_up:
        time.sleep(0.01)
    ending = [s for s in fake.to(BOB) if "09:20" in s.body["text"]["content"]]
    assert len(ending) == 2  # the challenge itself and the 5-minute reminder, once each
    assert Notice.objects.filter(kind="clock_ending").count() == 1

    tick("09:20")
    tick("09:21")
    while not settled() and time.monotonic() < give_up + 3:
        time.sleep(0.01)
    [claimable] = fake.to(ALICE)
    assert seat.label in claimable.body["text"]["content"]
