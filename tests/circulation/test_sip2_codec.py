"""Seatback's SIP2 codec against ILS.md's vectors, and cross-checked with pysip2."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pysip2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seatback.circulation.sip2 import (
    ChecksumError,
    Message,
    checksum,
    checksum_ok,
    decode,
    encode,
    parse_due,
    sip_date,
)

ZONE = ZoneInfo("Asia/Shanghai")


def test_the_checksum_vectors_of_ils_md() -> None:
    assert checksum(b"990 402.00AY1AZ") == "FCB4"
    assert checksum(b"941AY0AZ") == "FDFD"
    assert encode(Message("99", "0 402.00", sequence=1), "ascii") == b"990 402.00AY1AZFCB4\r"
    assert encode(Message("94", "1", sequence=0), "ascii") == b"941AY0AZFDFD\r"


def test_a_real_evergreen_renew_all_answer_is_read() -> None:
    frame = b"6610002000020261130    002843AOUWOLS|BM1565921879|BM660|AY8AZF1C7\r"
    message = decode(frame, "ascii")
    assert message.code == "66"
    assert message.fixed[:9] == "100020000"
    assert message.all("BM") == ["1565921879", "660"]
    assert message.sequence == 8


def test_a_wrong_checksum_is_caught() -> None:
    with pytest.raises(ChecksumError):
        decode(b"6610002000020261130    002843AOUWOLS|BM660|AY8AZF1C7\r", "ascii")
    assert not checksum_ok(b"941AY0AZFDFE")


@given(st.binary(max_size=400))
def test_the_checksum_agrees_with_pysip2(data: bytes) -> None:
    prefix = data + b"AZ"
    assert checksum(prefix) == pysip2.calculate_checksum(prefix)
    assert pysip2.verify_checksum(prefix + checksum(prefix).encode())


@pytest.mark.parametrize(
    "message",
    [
        Message("93", "00", [("CN", "sipuser"), ("CO", "sippass"), ("CP", "MAIN")], 0),
        Message("99", "0" + "080" + "2.00", [], 1),
        Message(
            "63", "000" + "20261201    093000" + "  Y       ", [("AO", "X"), ("AA", "2023")], 2
        ),
        Message(
            "29",
            # Seatback sends 18 blanks as the "no block" due date, as the standard allows;
            # pysip2 insists on a date there, so the cross-check gives one.
            "NN" + "20261201    093000" + "20261231    235959",
            [("AO", "X"), ("AA", "1"), ("AB", "39")],
            3,
        ),
        Message("65", "20261201    093000", [("AO", "X"), ("AA", "2023"), ("BO", "N")], 4),
        Message(
            "23",
            "000" + "20261201    093000",
            [("AO", "X"), ("AA", "2023"), ("AC", ""), ("AD", "pw")],
            5,
        ),
        Message("17", "20261201    093000", [("AO", "X"), ("AB", "39")], 6),
    ],
)
def test_every_request_seatback_sends_is_read_by_pysip2(message: Message) -> None:
    frame = encode(message, "utf-8")
    decoded = pysip2.decode_message(frame, encoding="utf-8")
    assert decoded.sequence_number == message.sequence
    assert decoded.checksum == frame[-5:-1].decode()
    assert decode(frame, "utf-8") == message


def test_gbk_is_decoded_before_splitting_on_the_bar() -> None:
    name = "東方億"
    assert b"|" in name.encode("gbk")  # the hazard is real
    body = f"24              000{'20261201    093000'}AOX|AA2023|AE{name}|BLY|CQY|".encode("gbk")
    body += b"AY3AZ"
    frame = body + checksum(body).encode() + b"\r"
    message = decode(frame, "gbk")
    assert message.get("AE") == name
    assert message.get("BL") == "Y"
    assert message.get("CQ") == "Y"


def test_koha_line_ends_and_escaped_bars() -> None:
    frame = b"\n941AY0AZFDFD\r\n"
    assert decode(frame, "utf-8").fixed == "1"
    body = b"18040001" + b"20261201    093000" + b"AB39|AJPerl &#124; Python|"
    assert decode(body + b"\r", "utf-8").get("AJ") == "Perl | Python"


def test_a_separator_inside_a_value_is_refused_when_sending() -> None:
    with pytest.raises(ValueError):
        encode(Message("63", "", [("AA", "20|23")]), "utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261214    002843", "2026-12-14 00:28:43"),
        ("2011-10-28 23:59:59", "2011-10-28 23:59:59"),
        ("2026/12/14", "2026-12-14 23:59:59"),
        ("20261214", "2026-12-14 23:59:59"),
    ],
)
def test_due_dates_are_read_leniently(text: str, expected: str) -> None:
    due = parse_due(text, ZONE)
    assert due is not None and due.strftime("%Y-%m-%d %H:%M:%S") == expected


def test_a_due_date_that_is_not_a_date_is_none() -> None:
    assert parse_due("when you like", ZONE) is None
    assert parse_due("20261340    000000", ZONE) is None


def test_dates_are_eighteen_characters() -> None:
    from datetime import datetime

    assert sip_date(datetime(2026, 12, 1, 9, 30, tzinfo=ZONE), ZONE) == "20261201    093000"
    assert sip_date(None) == " " * 18
