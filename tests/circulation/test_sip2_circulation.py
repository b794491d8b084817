"""Loans and renewals over SIP2, against a protocol-faithful SIP2 server on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from seatback.circulation import services
from seatback.circulation.sip2_client import client_for, forget_clients
from seatback.core.errors import Refusal
from seatback.readers.models import Reader
from tests.circulation.conftest import GBK_TITLE, start_fake, stock
from tests.circulation.sip2fake import FakeSip2
from tests.conftest import at

NOW = at("09:30")


def test_loans_come_overdue_first_with_their_due_dates(alice: Reader, sip2: FakeSip2) -> None:
    loans = services.loans(alice, now=NOW)
    assert [loan.item for loan in loans] == ["3900001", "3900003", "3900002"]
    assert loans[0].overdue(NOW) and not loans[1].overdue(NOW)
    assert loans[0].due is not None and loans[0].due.strftime("%Y-%m-%d") == "2026-11-20"
    # "2026-12-10 23:59:59", as Koha writes AH, is read too
    assert loans[2].due is not None and loans[2].due.strftime("%m-%d %H:%M") == "12-10 23:59"


def test_gbk_titles_with_a_bar_byte_arrive_whole(settings: Any, alice: Reader) -> None:
    forget_clients()
    fake = start_fake(settings, encoding="gbk")
    try:
        stock(fake, alice.card_number)
        loans = services.loans(alice, now=NOW)
        assert loans[0].title == GBK_TITLE
        assert "三体Ⅱ：黑暗森林" in [loan.title for loan in loans]
        result = services.renew(alice, "3900002", now=NOW)
        assert result.renewed and result.title == "三体Ⅱ：黑暗森林"
    finally:
        forget_clients()
        fake.stop()


def test_renew_one_says_until_when(alice: Reader, sip2: FakeSip2) -> None:
    result = services.renew(alice, "3900002", now=NOW)
    assert result.renewed
    assert sip2.renewed == ["3900002"]
    assert services.outcome(result) == "《三体Ⅱ：黑暗森林》 renewed until 2026-12-31."


def test_a_refused_renewal_says_why_and_is_not_called_renewed(
    alice: Reader, sip2: FakeSip2
) -> None:
    result = services.renew(alice, "3900003", now=NOW)
    assert not result.renewed
    assert sip2.renewed == []
    assert (
        services.outcome(result) == "《Perl 5 desktop reference》 was not renewed: Item has holds."
    )


def test_renew_all_uses_the_servers_renew_all_when_offered(alice: Reader, sip2: FakeSip2) -> None:
    result = services.renew_all(alice, now=NOW)
    assert result.whole
    assert "65" in sip2.received and "29" not in sip2.received
    assert {r.item: r.renewed for r in result.results} == {
        "3900001": True,
        "3900002": True,
        "3900003": False,
    }


def test_renew_all_goes_item_by_item_when_the_server_has_no_renew_all(
    settings: Any, alice: Reader
) -> None:
    forget_clients()
    fake = start_fake(settings, renew_all=False)
    try:
        stock(fake, alice.card_number)
        fake.items["3900001"].renewable = False
        fake.items["3900001"].reason = "Overdue items cannot be renewed"
        result = services.renew_all(alice, now=NOW)
        assert not result.whole
        assert "65" not in fake.received and fake.received.count("29") == 3
        outcomes = {r.item: (r.renewed, r.reason) for r in result.results}
        assert outcomes == {
            "3900001": (False, "Overdue items cannot be renewed"),
            "3900002": (True, ""),
            "3900003": (False, "Item has holds"),
        }
        assert sorted(fake.renewed) == ["3900002"]
    finally:
        forget_clients()
        fake.stop()


def test_one_connection_and_one_login_serve_many_requests(alice: Reader, sip2: FakeSip2) -> None:
    services.loans(alice, now=NOW)
    services.renew(alice, "3900002", now=NOW)
    services.loans(alice, now=NOW)
    assert sip2.logins == 1
    assert sip2.received.count("93") == 1


def test_a_message_the_server_could_not_read_is_sent_once_more(
    alice: Reader, sip2: FakeSip2
) -> None:
    services.loans(alice, now=NOW)  # connected and logged in
    sip2.refuse_next = 1
    result = services.renew(alice, "3900002", now=NOW)
    assert result.renewed
    assert sip2.received[-2:] == ["29", "29"]
    assert sip2.renewed == ["3900002"]


def test_two_resend_requests_in_a_row_are_not_a_renewal(alice: Reader, sip2: FakeSip2) -> None:
    services.loans(alice, now=NOW)
    sip2.refuse_next = 2
    with pytest.raises(Refusal) as refused:
        services.renew(alice, "3900002", now=NOW)
    assert refused.value.code == "library_unavailable"
    assert "nothing was changed" in refused.value.message
    assert sip2.renewed == []


def test_a_frame_with_a_bad_checksum_is_answered_with_96(sip2: FakeSip2) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", sip2.port), timeout=3) as conn:
        conn.sendall(b"990 402.00AY1AZFCB5\r")
        assert conn.recv(100) == b"96\r"
        conn.sendall(b"990 402.00AY1AZFCB4\r")
        assert conn.recv(200).startswith(b"98")


def test_an_answer_with_a_bad_checksum_is_asked_for_again(alice: Reader, sip2: FakeSip2) -> None:
    services.loans(alice, now=NOW)
    sip2.garble_next = 1
    result = services.renew(alice, "3900002", now=NOW)
    assert result.renewed
    assert sip2.received[-2:] == ["29", "97"]


def test_a_dropped_connection_is_opened_again(settings: Any, alice: Reader, sip2: FakeSip2) -> None:
    services.loans(alice, now=NOW)
    sip2.drop_all()  # the server's idle time-out
    assert [loan.item for loan in services.loans(alice, now=NOW)][0] == "3900001"
    sip2.drop_next = 1  # the connection dies while a renewal is on its way
    assert services.renew(alice, "3900002", now=NOW).renewed
    client = client_for(services.circulation().config)  # type: ignore[attr-defined]
    assert client.connections == 3
    assert sip2.logins == 3


def test_a_server_that_is_down_is_a_clear_refusal(settings: Any, alice: Reader) -> None:
    forget_clients()
    fake = start_fake(settings)
    fake.stop()
    with pytest.raises(Refusal) as refused:
        services.renew(alice, "3900002", now=NOW)
    assert refused.value.code == "library_unavailable"
    assert refused.value.status == 503


def test_a_refused_login_is_a_clear_refusal(settings: Any, alice: Reader, sip2: FakeSip2) -> None:
    settings.SIP2_PASSWORD = "wrong"
    forget_clients()
    with pytest.raises(Refusal) as refused:
        services.loans(alice, now=NOW)
    assert refused.value.code == "library_unavailable"


def test_koha_style_line_ends_and_escaped_bars(settings: Any, alice: Reader) -> None:
    forget_clients()
    fake = start_fake(settings, crlf=True, escape_pipes=True)
    try:
        stock(fake, alice.card_number)
        fake.items["3900002"].title = "A | B"
        titles = [loan.title for loan in services.loans(alice, now=NOW)]
        assert "A | B" in titles
        assert services.renew(alice, "3900002", now=NOW).renewed
    finally:
        forget_clients()
        fake.stop()


def test_patron_status_checks_the_password(alice: Reader, sip2: FakeSip2) -> None:
    circulation = services.circulation()
    patron = circulation.authenticate(alice.card_number, "1234", NOW)
    assert patron.valid and patron.password_ok and patron.name == "東方億"
    assert not circulation.authenticate(alice.card_number, "9999", NOW).password_ok
    assert not circulation.authenticate("nobody", "1234", NOW).valid
