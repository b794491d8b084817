"""`seatback wechat menu push FILE.json`: validated first, then created through the fake."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from seatback.wechat.fake import FakeWeChat

SAMPLE = Path(__file__).parents[2] / "docs" / "wechat-menu.json"


def test_the_documented_menu_is_pushed(fake: FakeWeChat) -> None:
    out = StringIO()
    call_command("wechat", "menu", "push", str(SAMPLE), stdout=out)
    assert fake.menus == [json.loads(SAMPLE.read_text())]
    assert "3 buttons" in out.getvalue()


@pytest.mark.parametrize(
    ("menu", "says"),
    [
        ({"button": []}, "1 to 3"),
        ({"button": [{"type": "click", "name": "x", "key": "K"}] * 4}, "1 to 3"),
        ({"button": [{"type": "click", "name": "很长很长的按钮名字啊", "key": "K"}]}, "16 bytes"),
        ({"button": [{"type": "click", "name": "x"}]}, "key"),
        ({"button": [{"type": "view", "name": "x", "key": "K"}]}, "url"),
        ({"button": [{"type": "teleport", "name": "x", "key": "K"}]}, "teleport"),
        (
            {
                "button": [
                    {"name": "x", "sub_button": [{"type": "click", "name": "y", "key": "K"}] * 6}
                ]
            },
            "1 to 5",
        ),
        ({"menu": []}, "button"),
    ],
)
def test_a_bad_menu_is_refused_before_reaching_wechat(
    fake: FakeWeChat, tmp_path: Path, menu: object, says: str
) -> None:
    path = tmp_path / "menu.json"
    path.write_text(json.dumps(menu, ensure_ascii=False))
    with translation.override("en"), pytest.raises(CommandError, match=says):
        call_command("wechat", "menu", "push", str(path), stdout=StringIO())
    assert fake.menus == [] and fake.token_fetches == 0


def test_a_file_that_is_not_json_is_named(fake: FakeWeChat, tmp_path: Path) -> None:
    path = tmp_path / "menu.json"
    path.write_text("{button:")
    with pytest.raises(CommandError, match="menu.json"):
        call_command("wechat", "menu", "push", str(path), stdout=StringIO())
