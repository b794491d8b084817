"""SRU against a real Zebra server on loopback (Debian's idzebra-2.0 and yaz), and the
reading of SRU 1.x and 2.0 answers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from seatback.catalogue import selectors
from seatback.catalogue.search import Unavailable
from seatback.catalogue.sru import SruCatalogue, cql, parse_response
from seatback.core.errors import Refusal
from tests.catalogue import zebra
from tests.catalogue.marcfiles import marc21

RECORDS = [
    marc21("z1", "Perl 5 desktop reference", "Vromans, Johan.", "0596000278", "1996"),
    marc21("z2", "三体Ⅱ：黑暗森林", "刘慈欣", "9787536692930", "2008"),
    marc21("z3", "Computer networks", "Tanenbaum, Andrew S.", "9780130661029", "2003"),
    marc21("z4", "Computer lib", "Nelson, Ted.", "9780893470029", "1974"),
]


@pytest.fixture(scope="module")
def sru(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not zebra.available():
        if os.environ.get("CI"):
            pytest.fail("Zebra (idzebra-2.0, yaz) is missing: .ci/run installs it")
        pytest.skip("Zebra (Debian's idzebra-2.0 and yaz) is not installed")
    with zebra.zebra(tmp_path_factory.mktemp("zebra"), RECORDS) as base:
        yield base


@pytest.mark.parametrize("version", ["1.1", "1.2", "2.0"])
def test_search_a_real_zebra(sru: str, version: str) -> None:
    catalogue = SruCatalogue(sru, version)
    page = catalogue.search("perl")
    assert page.total == 1
    hit = page.hits[0]
    assert (hit.title, hit.author, hit.year) == (
        "Perl 5 desktop reference",
        "Vromans, Johan",
        "1996",
    )
    assert hit.call_number == "QA76.73 .P22"
    assert hit.location == "3F Science reading room"


def test_chinese_title_and_author_over_sru(sru: str) -> None:
    catalogue = SruCatalogue(sru, "1.2")
    assert [h.title for h in catalogue.search("三体").hits] == ["三体Ⅱ：黑暗森林"]
    assert [h.title for h in catalogue.search("刘慈欣").hits] == ["三体Ⅱ：黑暗森林"]
    assert catalogue.search("刘慈欣 perl").total == 0


def test_isbn_look_up_over_sru(sru: str) -> None:
    catalogue = SruCatalogue(sru, "1.2")
    assert [h.title for h in catalogue.by_isbn("9780596000271")] == ["Perl 5 desktop reference"]
    assert catalogue.by_isbn("9787500455134") == []


def test_paging_over_sru(sru: str) -> None:
    catalogue = SruCatalogue(sru, "1.2")
    first, second = catalogue.search("computer", 0, 1), catalogue.search("computer", 1, 1)
    assert first.total == second.total == 2
    assert first.hits[0].title != second.hits[0].title


def test_the_configured_sru_catalogue_answers_the_doors(sru: str, settings: Any) -> None:
    settings.CATALOGUE_BACKEND, settings.SRU_URL = "sru", sru
    assert [h.title for h in selectors.search("networks").hits] == ["Computer networks"]


def test_an_sru_server_that_is_down_is_a_refusal(settings: Any) -> None:
    settings.CATALOGUE_BACKEND, settings.SRU_URL = "sru", "http://127.0.0.1:9/Default"
    with pytest.raises(Refusal) as refused:
        selectors.search("perl")
    assert refused.value.code == "library_unavailable"


def test_sru_2_0_namespaces_and_diagnostics() -> None:
    body = (
        b'<sruResponse:searchRetrieveResponse xmlns:sruResponse="http://docs.oasis-open.org/ns/'
        b'search-ws/sruResponse"><sruResponse:numberOfRecords>1</sruResponse:numberOfRecords>'
        b"<sruResponse:records><sruResponse:record><sruResponse:recordData>"
        b'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000   4500</leader>'
        b'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Zebra /</subfield></datafield>'
        b"</record></sruResponse:recordData></sruResponse:record></sruResponse:records>"
        b"</sruResponse:searchRetrieveResponse>"
    )
    total, records = parse_response(body)
    assert total == 1 and records[0]["245"]["a"] == "Zebra /"
    diagnostic = (
        b'<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:diagnostics>'
        b'<diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/16'
        b"</uri><message>Unsupported index</message></diagnostic></zs:diagnostics>"
        b"</zs:searchRetrieveResponse>"
    )
    with pytest.raises(Unavailable, match="Unsupported index"):
        parse_response(diagnostic)
    with pytest.raises(Unavailable):
        parse_response(b"<html>404</html>")
    with pytest.raises(Unavailable):
        parse_response(b"not xml")


def test_the_readers_words_become_cql() -> None:
    assert cql("三体 刘慈欣") == "三体* and 刘慈欣*"
    assert cql('perl" or dc.title=(x') == "perl* and or* and dc.titlex*"
