"""The demo library's books: a small embedded catalogue and a reader's loans (one overdue,
one renewable, one another reader waits for), for /library/… (docs/library-systems.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from seatback.catalogue.marc import isbn13, normalise
from seatback.catalogue.models import Bib
from seatback.circulation.models import Loan
from seatback.readers.models import Reader

BORROWER = "20260003"
# title, author, publisher, year, ISBN, call number, where
BOOKS = [
    ("三体", "刘慈欣", "重庆出版社", "2008", "9787536692930", "I247.55/L53", "二楼 中文图书借阅室"),
    (
        "三体Ⅱ：黑暗森林",
        "刘慈欣",
        "重庆出版社",
        "2008",
        "9787536693968",
        "I247.55/L53:2",
        "二楼 中文图书借阅室",
    ),
    (
        "三体Ⅲ：死神永生",
        "刘慈欣",
        "重庆出版社",
        "2010",
        "9787229030933",
        "I247.55/L53:3",
        "二楼 中文图书借阅室",
    ),
    (
        "平凡的世界",
        "路遥",
        "北京十月文艺出版社",
        "2012",
        "9787530212004",
        "I247.57/L88",
        "二楼 中文图书借阅室",
    ),
    (
        "Computer networks",
        "Tanenbaum, Andrew S",
        "Prentice Hall",
        "2003",
        "9780130661029",
        "TP393/T16",
        "三楼 外文图书借阅室",
    ),
    (
        "Perl 5 desktop reference",
        "Vromans, Johan",
        "O'Reilly",
        "1996",
        "0596000278",
        "TP312/V97",
        "三楼 外文图书借阅室",
    ),
]


def stage_library(now: datetime) -> int:
    """Create the books and loans once; return how many books the catalogue holds."""
    for title, author, publisher, year, isbn, call, where in BOOKS:
        number = isbn13(isbn) or ""
        Bib.objects.get_or_create(
            record_id=f"demo-{number}",
            defaults={
                "title": title,
                "author": author,
                "publisher": publisher,
                "year": year,
                "isbn": number,
                "call_number": call,
                "location": where,
                "format": "marc21" if title.isascii() else "cnmarc",
                "search_text": normalise(f"{title} {author} {publisher} {call} {number}"),
            },
        )
    reader = Reader.objects.filter(card_number=BORROWER).first()
    if reader is not None and not Loan.objects.filter(reader=reader).exists():
        for item, title, days, hold in (
            ("D0001", "三体Ⅱ：黑暗森林", -3, False),
            ("D0002", "平凡的世界", 6, False),
            ("D0003", "Computer networks", 12, True),
        ):
            Loan.objects.create(
                reader=reader,
                item=item,
                title=title,
                loaned_at=now - timedelta(days=30),
                due_at=now + timedelta(days=days),
                on_hold=hold,
            )
    return Bib.objects.count()
