"""The embedded catalogue's search: Chinese substrings, several words, ISBNs."""

from __future__ import annotations

from django.db import connection

from seatback.catalogue.search import embedded_by_isbn, embedded_search


def titles(query: str) -> list[str]:
    return [hit.title for hit in embedded_search(query).hits]


def test_three_body_is_found_inside_the_dark_forest(shelves: None) -> None:
    assert titles("三体") == ["三体", "三体Ⅱ：黑暗森林"]  # both: the first by its title's start
    assert titles("黑暗森林") == ["三体Ⅱ：黑暗森林"]
    assert titles("森林") == ["三体Ⅱ：黑暗森林"]  # two characters, below the trigram


def test_full_width_and_roman_numerals_are_folded(shelves: None) -> None:
    assert titles("三体II") == ["三体Ⅱ：黑暗森林"]
    assert titles("三体Ⅱ:黑暗") == ["三体Ⅱ：黑暗森林"]


def test_every_word_must_match_in_any_field(shelves: None) -> None:
    assert titles("刘慈欣 黑暗") == ["三体Ⅱ：黑暗森林"]
    assert titles("computer TANENBAUM") == ["Computer networks"]
    assert titles("computer perl") == []


def test_gbk_titles_with_a_bar_byte_are_found(shelves: None) -> None:
    assert titles("東方億") == ["東方億萬年"]


def test_a_result_says_where_the_book_stands(shelves: None) -> None:
    hit = embedded_search("黑暗森林").hits[0]
    assert (hit.author, hit.year, hit.call_number) == ("刘慈欣", "2008", "I247.55/L53:2")
    assert hit.location == "二楼 中文图书借阅室"
    assert hit.copies == 1 and hit.available is None  # no live loan status: not claimed


def test_wildcards_are_plain_characters(shelves: None) -> None:
    assert titles("%") == []
    assert titles("_") == []
    assert titles("   ") == []


def test_an_isbn_is_found_in_any_form(shelves: None) -> None:
    assert [h.title for h in embedded_by_isbn("9780596000271")] == ["Perl 5 desktop reference"]
    assert titles("9787536692930") == ["三体Ⅱ：黑暗森林"]


def test_pages(shelves: None) -> None:
    first = embedded_search("e", start=0, size=1)
    second = embedded_search("e", start=1, size=1)
    assert first.total == second.total == 2
    assert first.hits[0].title != second.hits[0].title


def test_the_index_is_the_one_for_this_database(shelves: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM catalogue_bib_fts WHERE search_text LIKE '%黑暗森%'"
            )
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'catalogue_bib_search_trgm'"
            )
            assert cursor.fetchone()[0] == 1
