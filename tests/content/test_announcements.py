"""Notices and news: sanitised, drafts and schedules, audiences, pushes at their time."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.content import services
from seatback.content.models import Announcement
from seatback.core import clock, rounds
from seatback.notifications.models import Notice
from seatback.readers.models import Reader
from tests.conftest import at
from tests.pages.conftest import page_text


def announce(lin: Reader, title: str, publish_at=None, **values: object) -> Announcement:
    return services.save_announcement(
        lin, None, {"title": title, "publish_at": publish_at, **values}, now=at("08:00")
    )


def test_sanitising_strips_scripts_and_handlers_but_keeps_formatting(lin: Reader) -> None:
    item = announce(
        lin,
        "闭馆通知",
        body='<p onclick="steal()">寒假<b>闭馆</b><script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a><a href="https://lib.example.edu">馆网</a></p>'
        '<img src="x" onerror="alert(3)">',
    )
    assert "<script" not in item.body and "onclick" not in item.body
    assert "onerror" not in item.body and "javascript:" not in item.body
    assert "<b>闭馆</b>" in item.body and 'href="https://lib.example.edu"' in item.body


def test_a_scheduled_notice_appears_at_its_time_and_is_pushed_then(
    lin: Reader, alice: Reader, bob: Reader, client_for: Callable[..., Client]
) -> None:
    services.set_subscription(alice, subscribed=True, now=at("08:00"))
    announce(lin, "考试周延长开放", publish_at=at("10:00"), push=True)
    phone = client_for(alice)

    assert "考试周延长开放" not in page_text(phone.get("/news/"))
    assert rounds.run_all(at("09:59"))["announcements_pushed"] == 0
    assert not Notice.objects.exists()

    clock.travel_to(at("10:00"))
    assert "考试周延长开放" in page_text(phone.get("/news/"))
    assert rounds.run_all(at("10:00"))["announcements_pushed"] == 1
    # Only the subscribed reader is told, once, even if the worker runs again.
    assert rounds.run_all(at("10:01"))["announcements_pushed"] == 0
    (notice,) = Notice.objects.all()
    assert (notice.reader, notice.kind) == (alice, "announcement")
    assert "考试周延长开放" in page_text(phone.get("/reserve/mine"))


def test_a_draft_is_not_shown_and_its_address_is_not_found(
    lin: Reader, alice: Reader, client_for: Callable[..., Client]
) -> None:
    draft = announce(lin, "草稿")
    phone = client_for(alice)
    assert "草稿" not in page_text(phone.get("/news/"))
    assert phone.get(f"/news/{draft.pk}").status_code == 404


def test_an_announcement_for_one_department_is_shown_only_there(
    lin: Reader, alice: Reader, bob: Reader, client_for: Callable[..., Client]
) -> None:
    Reader.objects.filter(pk=alice.pk).update(department="物理学院")
    item = announce(lin, "物理学院专场", publish_at=at("08:30"), departments=["物理学院"])
    assert "物理学院专场" in page_text(client_for(Reader.objects.get(pk=alice.pk)).get("/news/"))
    assert "物理学院专场" not in page_text(client_for(bob).get("/news/"))
    assert client_for(bob).get(f"/news/{item.pk}").status_code == 404
    # Nor in the public feed.
    assert "物理学院专场" not in client_for().get("/news/feed.atom").content.decode()


def test_the_feed_lists_public_notices(lin: Reader, client_for: Callable[..., Client]) -> None:
    announce(lin, "新书推荐", publish_at=at("08:30"), kind="news")
    response = client_for().get("/news/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "新书推荐" in response.content.decode()


def test_pinned_notices_come_first(lin: Reader, client_for: Callable[..., Client]) -> None:
    announce(lin, "旧的置顶", publish_at=at("07:00"), pinned=True)
    announce(lin, "新的普通", publish_at=at("08:30"))
    text = page_text(client_for().get("/news/"))
    assert text.index("旧的置顶") < text.index("新的普通")


def test_a_reader_opts_in_and_out_of_pushes(
    alice: Reader, client_for: Callable[..., Client]
) -> None:
    phone = client_for(alice, "en")
    phone.post("/news/subscription", {"subscribed": "1"})
    assert alice.content_subscription is not None
    page = page_text(phone.get("/news/"))
    assert "Stop telling me of new notices" in page
    phone.post("/news/subscription", {"subscribed": "0"})
    assert "Tell me of new notices" in page_text(phone.get("/news/"))


def test_the_back_office_writes_and_audits_a_notice(
    lin: Reader, alice: Reader, client_for: Callable[..., Client]
) -> None:
    as_lin = client_for(lin)
    response = as_lin.post(
        "/backoffice/content/announcements/new",
        {"kind": "notice", "title": "周末开放时间", "body": "<p>8:00-22:00</p>", "publish_at": ""},
    )
    assert response.status_code == 302
    item = Announcement.objects.get()
    assert item.state(at("09:00")) == "draft"
    assert AuditEntry.objects.get().action == "announcement.create"
    # A bad time changes nothing and says why.
    bad = as_lin.post(
        f"/backoffice/content/announcements/{item.pk}",
        {"kind": "notice", "title": "周末开放时间", "publish_at": "明天"},
    )
    assert bad.status_code == 400
    assert Announcement.objects.get().publish_at is None
    # A reader may not.
    assert client_for(alice).get("/backoffice/content/").status_code == 403
