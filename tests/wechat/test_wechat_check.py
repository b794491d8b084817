"""`seatback wechat check`: fetches a token and prints the account, or says what is wrong."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from seatback.wechat.fake import FakeWeChat
from tests.wechat.conftest import APP_ID


def test_check_fetches_a_token_and_prints_the_account(fake: FakeWeChat) -> None:
    out = StringIO()
    call_command("wechat", "check", stdout=out)
    printed = out.getvalue()
    assert APP_ID in printed and "/wechat/callback" in printed and "safe mode" in printed
    assert fake.token_fetches == 1


def test_check_names_a_wrong_secret(fake: FakeWeChat, settings: Any) -> None:
    settings.WECHAT_APP_SECRET = "f" * 32
    with pytest.raises(CommandError, match="40013"):
        call_command("wechat", "check", stdout=StringIO())


def test_check_says_when_wechat_is_off(db: None) -> None:
    with pytest.raises(CommandError, match="SEATBACK_WECHAT_APP_ID"):
        call_command("wechat", "check", stdout=StringIO())


def test_check_says_when_the_api_is_unreachable(fake: FakeWeChat) -> None:
    fake.stop()
    with pytest.raises(CommandError, match="unreachable"):
        call_command("wechat", "check", stdout=StringIO())
