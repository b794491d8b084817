"""SEATBACK_WECHAT_*: checked at start; a bad value stops start-up naming the variable."""

from __future__ import annotations

import pytest

from tests.core.test_settings import run_seatback
from tests.wechat.conftest import AES_KEY, APP_ID, SECRET, TOKEN

GOOD = {
    "SEATBACK_WECHAT_APP_ID": APP_ID,
    "SEATBACK_WECHAT_APP_SECRET": SECRET,
    "SEATBACK_WECHAT_TOKEN": TOKEN,
    "SEATBACK_WECHAT_AES_KEY": AES_KEY,
    "SEATBACK_WECHAT_TEMPLATE_ID": "T1",
}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SEATBACK_WECHAT_APP_ID", "gh_3f2a1b0c9d8e"),
        ("SEATBACK_WECHAT_TOKEN", "has spaces"),
        ("SEATBACK_WECHAT_AES_KEY", "tooshort"),
        ("SEATBACK_WECHAT_API_BASE", "api.weixin.qq.com"),
        ("SEATBACK_WECHAT_PUSH", "sms"),
        ("SEATBACK_WECHAT_TEMPLATE_ID", ""),
    ],
)
def test_a_bad_wechat_value_stops_startup_naming_it(
    tmp_path: object, variable: str, value: str
) -> None:
    env = {**GOOD, "SEATBACK_DATA_DIR": str(tmp_path), variable: value}
    result = run_seatback("check", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_a_secret_without_an_app_id_is_named(tmp_path: object) -> None:
    result = run_seatback(
        "check", env={"SEATBACK_DATA_DIR": str(tmp_path), "SEATBACK_WECHAT_APP_SECRET": SECRET}
    )
    assert result.returncode == 2 and "SEATBACK_WECHAT_APP_SECRET" in result.stderr


def test_good_values_start(tmp_path: object) -> None:
    result = run_seatback("check", env={**GOOD, "SEATBACK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
