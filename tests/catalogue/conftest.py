from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from seatback.catalogue.marc import import_file
from tests.catalogue.marcfiles import THREE_BODY, marc21, write


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Command output is asserted in English, whatever language an earlier test left."""
    with translation.override("en"):
        yield


@pytest.fixture
def shelves(db: None, tmp_path: Path) -> None:
    """The embedded catalogue with the Three-Body books (GBK CNMARC) and two MARC21 ones."""
    import_file(str(write(tmp_path / "cn.iso", THREE_BODY, "gbk")))
    english = [
        marc21("ocm1", "Perl 5 desktop reference", "Vromans, Johan.", "0596000278", "1996"),
        marc21("ocm2", "Computer networks", "Tanenbaum, Andrew S.", "9780130661029", "2003"),
    ]
    import_file(str(write(tmp_path / "en.mrc", english, "utf-8", utf8_leader=True)))
