"""Pushes triggered by scans (POST /api/v1/seats/{code}/{intent}), through the fake WeChat:
the holder is told within a second of a challenge, the challenger when the holder comes
back; refusals (43101, 45015) are recorded and never break the scan."""

from __future__ import annotations

import time
from typing import Any

import pytest

from seatback.core import clock
from seatback.library.models import Seat
from seatback.notifications import outbox
from seatback.notifications.models import Delivery, Notice
from seatback.readers.models import Reader
from seatback.wechat.fake import FakeWeChat
from tests.api.conftest import bearer
from tests.conftest import at
from tests.seats.scans import seat_held_by
from tests.wechat.conftest import bound

BOB = "oBOB_openid_000000000000001"
ALICE = "oALICE_openid_0000000000001"


def wait_for(condition: Any, seconds: float = 3.0) -> None:
    """Wait for the background sender, at most `seconds` (it normally takes milliseconds)."""
    give_up = time.monotonic() + seconds
    while not condition() and time.monotonic() < give_up:
        time.sleep(0.01)


def challenge(seat: Seat, reader: Reader) -> tuple[int, float]:
    return scan(seat, reader, "challenge"), time.monotonic()


def scan(seat: Seat, reader: Reader, intent: str) -> int:
    url = f"/api/v1/seats/{seat.code}/{intent}"
    return int(bearer(reader).post(url, "", content_type="application/json").status_code)


@pytest.fixture
def scene(fake: FakeWeChat, seat: Seat, alice: Reader, bob: Reader) -> Seat:
    bound(bob, BOB)
    bound(alice, ALICE)
    seat_held_by(seat, bob, at("08:00"))
    clock.travel_to(at("09:00"))
    return seat


def test_the_holder_is_told_within_a_second_of_a_challenge(
    scene: Seat, fake: FakeWeChat, alice: Reader
) -> None:
    began = time.monotonic()
    status, answered = challenge(scene, alice)
    assert status == 200
    wait_for(lambda: fake.to(BOB))
    [sent] = fake.to(BOB)
    # From the challenger's answer (the commit) to the call on WeChat's API.
    assert sent.at - answered < 1.0
    print(f"scan {1000 * (answered - began):.0f} ms, push {1000 * (sent.at - answered):.0f} ms")
    assert sent.path == "/cgi-bin/message/custom/send"
    text = sent.body["text"]["content"]
    assert scene.room.name in text and scene.label in text
    assert "09:20" in text  # the deadline
    assert f"/s/{scene.code}" in text
    assert fake.to(ALICE) == []
    wait_for(lambda: Delivery.objects.filter(status="sent").exists())  # recorded after the call
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.detail) == ("sent", "custom ok")


def test_a_notice_is_pushed_once(scene: Seat, fake: FakeWeChat, alice: Reader) -> None:
    challenge(scene, alice)
    wait_for(lambda: Delivery.objects.filter(status="sent").exists())
    # The worker's pass, and a stale claim taken again, do not send it twice.
    assert sum(outbox.deliver_due(clock.now()).values()) == 0
    Delivery.objects.update(status="sending", claimed_at=at("08:00"))
    outbox.deliver_due(clock.now())
    assert len(fake.to(BOB, "/cgi-bin/message/custom/send")) == 2  # custom has no de-dup…
    fake.outside_window.add(BOB)
    Delivery.objects.update(status="sending", claimed_at=at("08:00"))
    outbox.deliver_due(clock.now())
    Delivery.objects.update(status="sending", claimed_at=at("08:00"))
    outbox.deliver_due(clock.now())
    templates = fake.to(BOB, "/cgi-bin/message/template/send")
    assert len(templates) == 1  # …templates are sent once per client_msg_id
    assert templates[0].body["client_msg_id"] == f"notice-{Notice.objects.get().pk}"


def test_the_challenger_is_told_when_the_holder_comes_back(
    scene: Seat, fake: FakeWeChat, alice: Reader, bob: Reader
) -> None:
    challenge(scene, alice)
    clock.travel_to(at("09:10"))
    assert scan(scene, bob, "return") == 200
    wait_for(lambda: fake.to(ALICE))
    [sent] = fake.to(ALICE)
    assert scene.label in sent.body["text"]["content"]


def test_refusals_are_recorded_and_the_scan_stands(
    scene: Seat, fake: FakeWeChat, alice: Reader, settings: Any
) -> None:
    fake.outside_window.add(BOB)  # custom → 45015
    fake.refused.add(BOB)  # template → 43101
    status, _ = challenge(scene, alice)
    assert status == 200
    wait_for(lambda: Delivery.objects.exclude(status__in=["pending", "sending"]).exists())
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.detail) == ("refused", "custom 45015; template 43101")
    assert fake.to(BOB) == []
    assert scene.challenges.get().challenger == alice


def test_subscription_notices_keep_thing_values_short(
    scene: Seat, fake: FakeWeChat, alice: Reader, settings: Any
) -> None:
    settings.WECHAT_PUSH = ["subscribe"]
    scene.room.name = "图书馆新馆三楼东侧大型自习阅览室（考研专区）"
    scene.room.save()
    challenge(scene, alice)
    wait_for(lambda: fake.to(BOB))
    [sent] = fake.to(BOB)
    assert sent.path == "/cgi-bin/message/subscribe/bizsend"
    assert all(len(v["value"]) <= 20 for k, v in sent.body["data"].items() if k.startswith("thing"))


def test_wechat_down_never_delays_or_fails_a_scan(
    scene: Seat, fake: FakeWeChat, alice: Reader, settings: Any
) -> None:
    fake.stop()
    began = time.monotonic()
    status, answered = challenge(scene, alice)
    assert status == 200 and answered - began < 2.0
    wait_for(lambda: Delivery.objects.filter(attempts=1).exists())
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)  # the worker tries again
    assert "unreachable" in delivery.detail


def test_an_unbound_holder_gets_no_wechat_delivery(
    fake: FakeWeChat, seat: Seat, alice: Reader, carol: Reader
) -> None:
    seat_held_by(seat, carol, at("08:00"))
    clock.travel_to(at("09:00"))
    assert challenge(seat, alice)[0] == 200
    assert Notice.objects.get().reader == carol  # still on carol's /me page
    assert not Delivery.objects.exists()
