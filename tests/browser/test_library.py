"""The library pages in a real Chromium: renew all on a phone; a spoken search (the
browser's SpeechRecognition, stood in for by a script that hears 三体); an ISBN scan
(BarcodeDetector and the camera, stood in for likewise: Linux Chromium has neither)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from seatback.catalogue.marc import import_file
from seatback.catalogue.models import PurchaseRequest
from seatback.circulation.models import Loan
from seatback.core import clock
from tests.catalogue.marcfiles import THREE_BODY, write
from tests.conftest import at

pytestmark = pytest.mark.browser

HEARS = """
window.SpeechRecognition = class {
  start() { setTimeout(() => this.onresult({results: [[{transcript: "三体。"}]]}), 50); }
};
"""
SEES = """
window.BarcodeDetector = class {
  constructor(options) {}
  detect() { return Promise.resolve([{rawValue: "9780596000271", format: "ean_13"}]); }
};
navigator.mediaDevices.getUserMedia = () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const pen = canvas.getContext("2d");
  let shade = 0;
  setInterval(() => {
    pen.fillStyle = shade++ % 2 ? "#fff" : "#000";
    pen.fillRect(0, 0, 64, 64);
  }, 30);
  return Promise.resolve(canvas.captureStream(30));
};
"""


def test_renew_all_on_a_phone(phones, alice):
    clock.travel_to(at("09:00"))
    now = clock.now()
    for item, title, days, hold in (
        ("B1", "黑暗森林", -2, False),
        ("B2", "死神永生", 5, False),
        ("B3", "球状闪电", 5, True),
    ):
        Loan.objects.create(
            reader=alice,
            item=item,
            title=title,
            loaned_at=now - timedelta(days=20),
            due_at=now + timedelta(days=days),
            on_hold=hold,
        )
    a = phones("alice")
    a.open("/library/loans")
    a.sign_in(alice)
    items = a.page.locator(".loans li")
    expect(items.first).to_contain_text("黑暗森林")
    expect(items.first).to_contain_text("已超期")
    a.shot("loans")
    a.tap("全部续借")
    expect(a.says("《死神永生》 已续借至 2026-12-31。")).to_be_visible()
    expect(a.says("《黑暗森林》 未能续借：已超期，请到服务台办理。")).to_be_visible()
    expect(a.says("《球状闪电》 未能续借：有其他读者预约了这本书。")).to_be_visible()
    a.shot("renewed-all")


def test_a_spoken_search(phones, alice, tmp_path: Path):
    import_file(str(write(tmp_path / "b.iso", THREE_BODY, "gbk")))
    a = phones("alice")
    a.page.add_init_script(HEARS)
    a.open("/library/search")
    speak = a.button("语音")
    expect(speak).to_be_visible()
    with a.page.expect_navigation():
        speak.click()
    expect(a.page.locator("#q")).to_have_value("三体")
    expect(a.page.locator(".hits li")).to_have_count(2)
    expect(a.page.locator(".hits li").nth(1)).to_contain_text("二楼 中文图书借阅室")
    a.shot("spoken-search")


def test_no_voice_button_without_speech_recognition(phones):
    a = phones("alice")
    a.page.add_init_script(
        "delete window.SpeechRecognition; delete window.webkitSpeechRecognition;"
    )
    a.open("/library/search")
    expect(a.page.locator("#speak")).to_be_hidden()


def test_a_scanned_isbn_becomes_a_purchase_request(phones, alice):
    a = phones("alice")
    a.page.add_init_script(SEES)
    a.open("/library/isbn")
    a.sign_in(alice)
    with a.page.expect_navigation():
        a.button("扫码").click()
    expect(a.says("ISBN 978-0-596-00027-1")).to_be_visible()
    a.page.get_by_label("荐购理由（可选）").fill("课程参考书")
    a.shot("scanned")
    a.tap("荐购这本书")
    expect(a.says("谢谢，你的荐购已提交。")).to_be_visible()
    a.shot("requested")
    assert PurchaseRequest.objects.get().isbn == "9780596000271"
