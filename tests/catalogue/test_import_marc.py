"""`seatback import marc FILE`: MARC21 and CNMARC, UTF-8 and GBK, with progress."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from seatback.catalogue import marc
from seatback.catalogue.models import Bib
from tests.catalogue.marcfiles import THREE_BODY, cnmarc, marc21, write


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", "marc", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_cnmarc_file_is_read_in_its_encoding(db: None, tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "books.iso", THREE_BODY, encoding)
    out, _err = run(str(path))
    assert "3 created" in out
    east = Bib.objects.get(record_id="CN003")
    assert east.title == "東方億萬年"  # GBK bytes with "|" in them, read whole
    assert east.author == "張瑋"
    assert east.isbn == "9787500455134"  # an ISBN-10 kept as ISBN-13
    dark = Bib.objects.get(record_id="CN002")
    assert (dark.format, dark.publisher, dark.year) == ("cnmarc", "重庆出版社", "2008")
    assert dark.call_number == "I247.55/L53:2"
    assert dark.location == "二楼 中文图书借阅室"


def test_a_gbk_file_read_with_the_wrong_encoding_is_not_silently_accepted(
    db: None, tmp_path: Path
) -> None:
    path = write(tmp_path / "books.iso", THREE_BODY, "gbk")
    run(str(path), "--encoding", "gbk")
    assert Bib.objects.get(record_id="CN001").title == "三体"


def test_marc21_utf8_and_plain(db: None, tmp_path: Path) -> None:
    path = write(
        tmp_path / "m21.mrc",
        [marc21("ocm1", "Perl 5 desktop reference", "Vromans, Johan.", "0596000278")],
        "utf-8",
        utf8_leader=True,
    )
    run(str(path))
    perl = Bib.objects.get(record_id="ocm1")
    assert perl.title == "Perl 5 desktop reference"
    assert perl.author == "Vromans, Johan"  # ISBD punctuation trimmed
    assert (perl.publisher, perl.year, perl.format) == ("O'Reilly", "1999", "marc21")
    assert perl.isbn == "9780596000271"
    assert perl.call_number == "QA76.73 .P22"
    assert perl.location == "3F Science reading room"


def test_importing_again_updates_instead_of_duplicating(db: None, tmp_path: Path) -> None:
    path = write(tmp_path / "a.iso", THREE_BODY, "gbk")
    run(str(path))
    changed = [cnmarc("CN001", "三体（典藏版）", "刘慈欣", "9787536681514")]
    out, _err = run(str(write(tmp_path / "b.iso", changed, "utf-8")))
    assert "0 created, 1 updated" in out
    assert Bib.objects.count() == 3
    assert Bib.objects.get(record_id="CN001").title == "三体（典藏版）"


def test_progress_is_shown_on_a_long_file(db: None, tmp_path: Path) -> None:
    records = [cnmarc(f"N{i:05d}", f"书名{i}", "作者", "9787536692930") for i in range(1200)]
    _out, err = run(str(write(tmp_path / "many.iso", records, "gbk")))
    assert "1,000/1,200" in err and "1,200/1,200 (100%)" in err
    assert Bib.objects.count() == 1200


def test_a_broken_record_is_skipped_and_counted(db: None, tmp_path: Path) -> None:
    path = write(tmp_path / "books.iso", THREE_BODY[:1], "utf-8")
    path.write_bytes(path.read_bytes() + b"00099nam  2200037   4500garbage\x1d")
    out, _err = run(str(path))
    assert "1 created" in out and "1 skipped" in out


def test_a_missing_file_or_unknown_encoding_stops_with_a_sentence(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="nope.iso"):
        run(str(tmp_path / "nope.iso"))
    path = write(tmp_path / "books.iso", THREE_BODY, "gbk")
    with pytest.raises(CommandError, match="klingon"):
        run(str(path), "--encoding", "klingon")


def test_marcxml_is_read(db: None, tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    xml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        "<leader>00000nam a2200000   4500</leader>"
        '<controlfield tag="001">x1</controlfield>'
        '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Computer lib /</subfield>'
        "</datafield></record></collection>",
        encoding="utf-8",
    )
    run(str(xml))
    assert Bib.objects.get(record_id="x1").title == "Computer lib"


def test_isbn13_of_text() -> None:
    assert marc.isbn13("ISBN 978-7-5366-9293-0 (pbk.)") == "9787536692930"
    assert marc.isbn13("9787536692931") is None
