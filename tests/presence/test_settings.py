"""The proxy settings are checked at startup like every other setting."""

from __future__ import annotations

import pytest

from tests.core.test_settings import run_seatback


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SEATBACK_TRUSTED_PROXIES", "127.0.0.1,nginx"), ("SEATBACK_PROXY_HEADER", " ")],
)
def test_a_bad_proxy_setting_stops_startup_naming_the_variable(
    tmp_path: object, variable: str, value: str
) -> None:
    result = run_seatback("check", env={"SEATBACK_DATA_DIR": str(tmp_path), variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
