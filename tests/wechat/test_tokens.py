"""The access token: one refresher on stable_token, a central cache, one bounded retry."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

import pytest
from django.core.cache import cache

from seatback.officialaccount import tokens
from seatback.officialaccount.client import WeChatError
from seatback.wechat.fake import FakeWeChat
from tests.wechat.conftest import APP_ID, SECRET, TOKEN

WORKERS = 8


def test_concurrent_threads_cause_one_refresh(fake: FakeWeChat) -> None:
    gate = threading.Barrier(WORKERS)
    got: list[str] = []

    def work() -> None:
        gate.wait()
        got.append(tokens.access_token())

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.token_fetches == 1
    assert len(got) == WORKERS and len(set(got)) == 1


PROCESS = """
import django, sys
django.setup()
from seatback.officialaccount import tokens
sys.stdin.readline()  # start together
print(tokens.access_token())
"""


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="processes share a token in Redis")
def test_concurrent_processes_cause_one_refresh(fake: FakeWeChat) -> None:
    """N processes (as gunicorn runs them) sharing Redis: one stable_token call."""
    cache.clear()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "seatback.test_settings",
        "SEATBACK_WECHAT_APP_ID": APP_ID,
        "SEATBACK_WECHAT_APP_SECRET": SECRET,
        "SEATBACK_WECHAT_TOKEN": TOKEN,
        "SEATBACK_WECHAT_API_BASE": fake.base,
        "SEATBACK_WECHAT_PUSH": "custom",
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [proc.communicate("go\n", timeout=60)[0].strip() for proc in procs]
    assert fake.token_fetches == 1
    assert len(set(outputs)) == 1 and outputs[0].startswith("TOKEN-")


def test_an_expired_token_is_fetched_again_once(fake: FakeWeChat) -> None:
    tokens.call(
        "POST",
        "/cgi-bin/menu/create",
        body={"button": [{"type": "click", "name": "x", "key": "K"}]},
    )
    fake.expire_tokens()
    tokens.call(
        "POST",
        "/cgi-bin/menu/create",
        body={"button": [{"type": "click", "name": "y", "key": "K"}]},
    )
    assert fake.token_fetches == 2
    assert len(fake.menus) == 2


def test_a_persistent_40001_is_retried_once_not_forever(fake: FakeWeChat, settings: Any) -> None:
    fake.always_40001 = True
    with pytest.raises(WeChatError) as refused:
        tokens.call("POST", "/cgi-bin/menu/create", body={"button": [{"name": "x"}]})
    assert refused.value.errcode == 40001
    assert fake.token_fetches == 1  # stable_token gave the same token back: no more calls


def test_the_jsapi_ticket_is_cached_centrally(fake: FakeWeChat) -> None:
    first = tokens.jsapi_ticket()
    assert tokens.jsapi_ticket() == first
    assert first.startswith("TICKET-")
