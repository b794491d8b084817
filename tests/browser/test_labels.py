"""Seat labels in the browser: an old label's page, and the back office's downloads and
new codes, clicked through as a librarian and an administrator would."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.labels import services
from seatback.labels.models import RetiredCode
from seatback.library.models import Seat
from tests.conftest import at, make_reader
from tests.pages.conftest import zh

pytestmark = pytest.mark.browser


def test_an_old_label_says_it_is_out_of_date(phones, seat):
    clock.travel_to(at("09:00"))
    old = seat.code
    services.reissue([seat], now=clock.now(), actor=None)
    c = phones("carol")

    response = c.open(f"/s/{old}")

    assert response.status == 410
    expect(c.page.locator("h1")).to_have_text(zh("This label is out of date"))
    expect(c.page.get_by_text("A-001")).to_be_visible()
    expect(c.page.get_by_role("link", name=zh("See the reading rooms"))).to_be_visible()
    assert RetiredCode.objects.get(code=old).scans == 1
    c.shot("old-label")


def test_a_librarian_downloads_labels_of_ticked_seats(phones, seat, other_seat, lin):
    clock.travel_to(at("09:00"))
    c = phones("lin", language="en")
    c.open("/backoffice/labels/")
    c.sign_in(lin)
    c.page.get_by_role("link", name=seat.room.name).click()
    c.page.get_by_label("A-002").check()
    c.page.get_by_label("Format").select_option("csv")
    expect(c.page.get_by_role("button", name="Give new codes…")).to_have_count(0)
    c.shot("room")

    with c.page.expect_download() as waiting:
        c.page.get_by_role("button", name="Download labels").click()
    download = waiting.value

    assert download.suggested_filename == f"labels-{seat.room.name}.csv"
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [row["label"] for row in rows] == ["A-002"]
    assert rows[0]["code"] == other_seat.code


def test_an_administrator_gives_a_seat_a_new_code(phones, seat, other_seat):
    clock.travel_to(at("09:00"))
    admin = make_reader("A0001", "管理员", is_staff=True, is_superuser=True)
    old = seat.code
    c = phones("admin", language="en")
    c.open("/backoffice/labels/")
    c.sign_in(admin)
    c.page.get_by_role("link", name=seat.room.name).click()
    c.page.get_by_label("A-001").check()
    c.page.get_by_role("button", name="Give new codes…").click()
    expect(c.page.locator("h1")).to_have_text("Give seats new codes")
    c.shot("confirm")
    c.page.get_by_label("Yes, the old labels of these seats will stop working.").check()
    c.page.get_by_role("button", name="Give new codes", exact=True).click()

    expect(c.page.get_by_role("status")).to_contain_text("New codes given to seats: 1.")
    expect(c.page.get_by_label("A-001")).to_be_checked()  # ready to print its new label
    c.shot("done")
    seat.refresh_from_db()
    assert seat.code != old
    assert Seat.objects.get(pk=other_seat.pk).code == other_seat.code
    assert c.open(f"/s/{old}").status == 410
