"""`seatback simulate`: calibrates on a room's records, prints the validation error with
every run, and predicts what other policy values would do, the same under the same seed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seatback.library.models import Library, Room
from tests.analytics import story
from tests.analytics.test_calibration import TRUE


@pytest.fixture
def recorded_room(library: Library) -> Room:
    return story.recorded_room(library, 14, TRUE)


def run(*args: str) -> str:
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_validation_and_the_prediction(recorded_room: Room) -> None:
    text = run("--room", "四楼阅览室", "--days", "14", "leave_allowance_minutes=10")

    assert "14 days" in text
    assert "mean error: " in text
    assert "clocks ended in a claim: " in text
    assert "current policy → leave_allowance_minutes=10" in text
    assert "readers who lose a seat while on a break: " in text
    assert run("--room", "四楼阅览室", "--days", "14", "leave_allowance_minutes=10") == text


def test_a_bad_value_or_a_key_it_does_not_model_is_refused(recorded_room: Room) -> None:
    with pytest.raises(CommandError, match="leave_allowance_minutes"):
        run("--room", "四楼阅览室", "leave_allowance_minutes=-3")
    with pytest.raises(CommandError, match="ban_days is not simulated"):
        run("--room", "四楼阅览室", "ban_days=3")
