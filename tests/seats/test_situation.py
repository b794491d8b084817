"""Situation: the state a page shows and the actions it offers, derived from stored times."""

from __future__ import annotations

import pytest

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.services import INTENTS, refusal_for
from tests.conftest import at
from tests.seats.scans import scan, seat_held_by, situation

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_may_do_nothing_and_is_asked_to_sign_in(seat: Seat) -> None:
    s = situation(seat, None, at("09:00"))

    assert s.actions() == []
    for intent in INTENTS:
        refusal = refusal_for(intent, s)
        assert refusal is not None
        assert (refusal.code, refusal.status) == ("not_authenticated", 401)


def test_states_through_a_day(seat: Seat, alice: Reader, bob: Reader) -> None:
    assert situation(seat, alice, at("06:59")).state == "closed"
    assert situation(seat, alice, at("07:00")).state == "free"
    seat_held_by(seat, bob, at("08:00"))
    assert situation(seat, alice, at("08:00")).state == "held"
    scan(seat, bob, "step-out", at("09:00"))
    assert situation(seat, alice, at("09:00")).state == "away"
    assert situation(seat, alice, at("09:30")).state == "held"
    scan(seat, alice, "challenge", at("10:00"))
    assert situation(seat, alice, at("10:00")).state == "challenged"
    assert situation(seat, alice, at("22:30")).state == "closed"


def test_actions_offer_what_each_person_may_do(
    seat: Seat, alice: Reader, bob: Reader, carol: Reader
) -> None:
    assert situation(seat, alice, at("09:00")).actions() == ["challenge"]
    seat_held_by(seat, bob, at("08:00"))
    assert situation(seat, bob, at("09:00")).actions() == ["release", "step-out"]
    assert situation(seat, alice, at("09:00")).actions() == ["challenge"]

    scan(seat, alice, "challenge", at("09:00"))
    assert situation(seat, alice, at("09:00")).actions() == ["withdraw"]
    assert situation(seat, alice, at("09:20")).actions() == ["claim", "withdraw"]
    assert situation(seat, bob, at("09:00")).actions() == ["return", "release"]
    assert situation(seat, bob, at("09:20")).actions() == ["release"]
    assert situation(seat, carol, at("09:00")).actions() == []


def test_actions_in_a_protected_window_and_after_closing(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    assert situation(seat, alice, at("12:00")).actions() == []
    seat_held_by(seat, bob, at("08:00"))
    assert situation(seat, bob, at("12:00")).actions() == ["release", "step-out"]
    assert situation(seat, bob, at("22:30")).actions() == []


def test_the_seat_knows_its_cooldown(seat: Seat, alice: Reader, bob: Reader) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))
    scan(seat, bob, "return", at("09:05"))

    assert situation(seat, alice, at("09:10")).cooldown_until == at("09:15")
    assert situation(seat, alice, at("09:15")).cooldown_until is None
