"""`seatback wechat qr --seat CODE`: a parametric QR whose scan subscribes and opens the seat."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from seatback.library.models import Seat
from seatback.wechat.fake import FakeWeChat


def test_a_permanent_seat_qr(fake: FakeWeChat, seat: Seat) -> None:
    out = StringIO()
    call_command("wechat", "qr", f"--seat={seat.code}", stdout=out)
    [made] = fake.sent
    assert made.body == {
        "action_name": "QR_LIMIT_STR_SCENE",
        "action_info": {"scene": {"scene_str": f"seat:{seat.code}"}},
    }
    printed = out.getvalue()
    assert seat.label in printed
    assert "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQ" in printed


def test_a_temporary_seat_qr(fake: FakeWeChat, seat: Seat) -> None:
    call_command("wechat", "qr", f"--seat={seat.code}", "--expire", "3600", stdout=StringIO())
    [made] = fake.sent
    assert (made.body["action_name"], made.body["expire_seconds"]) == ("QR_STR_SCENE", 3600)


def test_an_unknown_seat_is_named(fake: FakeWeChat, db: None) -> None:
    with pytest.raises(CommandError, match="nope"):
        call_command("wechat", "qr", "--seat", "nope", stdout=StringIO())
