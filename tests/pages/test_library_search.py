"""/library/search: the catalogue by typing (and by voice where the browser can)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.test import Client

from seatback.catalogue.marc import import_file
from seatback.readers.models import Reader
from tests.catalogue.marcfiles import THREE_BODY, write
from tests.pages.conftest import page_text


def test_three_body_finds_both_books_with_where_they_stand(
    client_for: Callable[..., Client], alice: Reader, tmp_path: Path
) -> None:
    import_file(str(write(tmp_path / "b.iso", THREE_BODY, "gbk")))
    response = client_for(alice, "en").get("/library/search", {"q": "三体"})
    text = page_text(response)
    assert "2 records found" in text
    assert text.index("三体 刘慈欣") < text.index("三体Ⅱ：黑暗森林")
    assert "Call number: I247.55/L53:2 · Where: 二楼 中文图书借阅室" in text
    assert "1 copy in the library" in text


def test_search_works_signed_out_and_offers_voice_only_through_script(
    db: None, tmp_path: Path
) -> None:
    import_file(str(write(tmp_path / "b.iso", THREE_BODY, "gbk")))
    response = Client().get("/library/search", {"q": "黑暗森林"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="speak" hidden' in body  # shown by library.js where recognition exists
    assert "三体Ⅱ：黑暗森林" in page_text(response)


def test_nothing_found_says_so(client_for: Callable[..., Client], alice: Reader) -> None:
    text = page_text(client_for(alice, "en").get("/library/search", {"q": "不存在的书"}))
    assert "Nothing found." in text
