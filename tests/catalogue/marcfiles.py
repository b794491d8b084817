"""MARC test files written byte by byte (ISO 2709), in any encoding: no public CNMARC
sample exists, and pymarc writes only UTF-8 or MARC-8."""

from __future__ import annotations

from pathlib import Path

FT, RT, SF = b"\x1e", b"\x1d", b"\x1f"

Field = tuple[str, str] | tuple[str, str, list[tuple[str, str]]]


def iso2709(fields: list[Field], encoding: str, *, utf8_leader: bool = False) -> bytes:
    """One record: (tag, data) control fields, (tag, indicators, [(code, value)]) others."""
    directory, data = b"", b""
    for entry in fields:
        if len(entry) == 2:
            body = entry[1].encode(encoding) + FT
        else:
            tag, indicators, subfields = entry  # type: ignore[misc]
            body = indicators.encode("ascii")
            for code, value in subfields:
                body += SF + code.encode("ascii") + value.encode(encoding)
            body += FT
        directory += f"{entry[0]}{len(body):04d}{len(data):05d}".encode("ascii")
        data += body
    directory += FT
    base = 24 + len(directory)
    length = base + len(data) + 1
    leader = f"{length:05d}nam {'a' if utf8_leader else ' '}22{base:05d}   4500".encode("ascii")
    return leader + directory + data + RT


def cnmarc(
    control: str, title: str, author: str, isbn: str, *, place: str = "", call: str = ""
) -> list[Field]:
    return [
        ("001", control),
        ("010", "  ", [("a", isbn), ("d", "CNY23.00")]),
        ("200", "1 ", [("a", title), ("f", author)]),
        ("210", "  ", [("a", "重庆"), ("c", "重庆出版社"), ("d", "2008")]),
        ("690", "  ", [("a", "I247.55"), ("v", "5")]),
        ("701", " 0", [("a", author)]),
        ("905", "  ", [("a", "HNNU"), ("c", place), ("d", "I247.55"), ("e", call)]),
    ]


def marc21(control: str, title: str, author: str, isbn: str, year: str = "1999") -> list[Field]:
    return [
        ("001", control),
        ("020", "  ", [("a", isbn)]),
        ("100", "1 ", [("a", author)]),
        ("245", "10", [("a", title + " /"), ("c", author)]),
        ("260", "  ", [("a", "Sebastopol :"), ("b", "O'Reilly,"), ("c", year + ".")]),
        ("852", "  ", [("b", "3F Science reading room"), ("h", "QA76.73"), ("i", ".P22")]),
    ]


def write(path: Path, records: list[list[Field]], encoding: str, **options: bool) -> Path:
    path.write_bytes(b"".join(iso2709(r, encoding, **options) for r in records))
    return path


THREE_BODY = [
    cnmarc("CN001", "三体", "刘慈欣", "978-7-5366-8151-4", place="二楼 中文图书借阅室", call="L53"),
    cnmarc(
        "CN002",
        "三体Ⅱ：黑暗森林",
        "刘慈欣",
        "9787536692930",
        place="二楼 中文图书借阅室",
        call="L53:2",
    ),
    # 東 and 億 carry a "|" byte in GBK; 瑋 too
    cnmarc("CN003", "東方億萬年", "張瑋", "7-5004-5513-5", place="三楼 社科借阅室", call="K1"),
]
