"""Readers in the back office: search, details, ban with a reason and an end (the reader sees
both), unban, forgiving a violation, and what changes nothing when the input is bad."""

from __future__ import annotations

from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.readers.models import Reader, Violation
from tests.api.conftest import bearer
from tests.conftest import at
from tests.pages.conftest import page_text


def test_search_by_name_or_part_of_a_card_number(as_lin: Client, alice, bob, carol):
    text = page_text(as_lin.get("/backoffice/readers/", {"q": "2023000"}))
    for reader in (alice, bob, carol):
        assert reader.card_number in text
    text = page_text(as_lin.get("/backoffice/readers/", {"q": "Bob"}))
    assert "20230002" in text and "20230001" not in text
    assert "No reader matches." in page_text(as_lin.get("/backoffice/readers/", {"q": "nobody"}))


def test_an_exact_card_number_opens_the_reader(as_lin: Client, alice):
    response = as_lin.get("/backoffice/readers/", {"q": "20230001"})
    assert response["Location"] == f"/backoffice/readers/{alice.pk}/"


def test_ban_with_reason_and_end_the_reader_sees_both(as_lin: Client, alice, lin, client_for):
    response = as_lin.post(
        f"/backoffice/readers/{alice.pk}/ban",
        {"reason": "Left belongings on three seats", "until": "2026-12-08T18:00"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.banned_until == at("18:00", day=at("00:00").date().replace(day=8))
    assert alice.ban_reason == "Left belongings on three seats"
    detail = page_text(as_lin.get(f"/backoffice/readers/{alice.pk}/"))
    assert "Banned until 2026-12-08 18:00: Left belongings on three seats" in detail

    me_page = page_text(client_for(alice, "en").get("/me"))
    assert "Until 2026-12-08 18:00." in me_page
    assert "Reason: Left belongings on three seats" in me_page
    ban = bearer(alice).get("/api/v1/me").json()["ban"]
    assert ban["reason"] == "Left belongings on three seats"
    assert ban["until"] == "2026-12-08T18:00:00+08:00"

    entry = AuditEntry.objects.get(action="reader.ban")
    assert entry.actor == lin and entry.target_id == str(alice.pk)
    assert entry.before == {"banned_until": None, "ban_reason": ""}
    assert entry.after["ban_reason"] == "Left belongings on three seats"


def test_a_ban_needs_a_reason_and_a_future_end(as_lin: Client, alice):
    for data in (
        {"reason": "", "until": "2026-12-08T18:00"},
        {"reason": "x", "until": "2026-11-30T18:00"},
        {"reason": "x", "until": "next week"},
        {"reason": "x" * 201, "until": "2026-12-08T18:00"},
    ):
        response = as_lin.post(f"/backoffice/readers/{alice.pk}/ban", data, follow=True)
        assert response.redirect_chain
        assert "Not banned." in page_text(response)
    alice.refresh_from_db()
    assert alice.banned_until is None
    assert not AuditEntry.objects.exists()


def test_librarians_cannot_be_banned(as_admin: Client, lin):
    as_admin.post(f"/backoffice/readers/{lin.pk}/ban", {"reason": "x", "until": "2026-12-08T18:00"})
    lin.refresh_from_db()
    assert lin.banned_until is None


def test_unban(as_lin: Client, alice, client_for):
    Reader.objects.filter(pk=alice.pk).update(banned_until=at("18:00"), ban_reason="no-shows")
    response = as_lin.post(f"/backoffice/readers/{alice.pk}/unban", {"note": "apologised"})
    assert response.status_code == 302
    alice.refresh_from_db()
    # The ban ends now (not erased), so violations from before it do not count again.
    assert (alice.banned_until, alice.ban_reason) == (at("09:00"), "")
    assert "suspended" not in page_text(client_for(alice, "en").get("/me"))
    entry = AuditEntry.objects.get(action="reader.unban")
    assert entry.before["ban_reason"] == "no-shows" and entry.note == "apologised"
    # Unbanning again changes nothing and records nothing.
    as_lin.post(f"/backoffice/readers/{alice.pk}/unban")
    assert AuditEntry.objects.filter(action="reader.unban").count() == 1


def test_violations_are_listed_and_one_can_be_forgiven(as_lin: Client, alice, violation, lin):
    other = Violation.objects.create(
        reader=alice, kind=Violation.Kind.LATE_CANCEL, at=at("07:00"), key="test:alice:2"
    )
    text = page_text(as_lin.get(f"/backoffice/readers/{alice.pk}/"))
    assert "did not check in" in text and "cancelled too late" in text
    response = as_lin.post(f"/backoffice/violations/{violation.pk}/forgive")
    assert response["Location"] == f"/backoffice/readers/{alice.pk}/"
    violation.refresh_from_db()
    other.refresh_from_db()
    assert violation.forgiven_at == at("09:00")
    assert other.forgiven_at is None
    assert "forgiven 2026-12-01 09:00" in page_text(as_lin.get(f"/backoffice/readers/{alice.pk}/"))
    entry = AuditEntry.objects.get(action="violation.forgive")
    assert entry.actor == lin and entry.target_id == str(violation.pk)
    as_lin.post(f"/backoffice/violations/{violation.pk}/forgive")
    assert AuditEntry.objects.filter(action="violation.forgive").count() == 1


def test_the_back_office_speaks_chinese_by_default(client_for, lin, alice):
    text = page_text(client_for(lin).get(f"/backoffice/readers/{alice.pk}/"))
    assert "违约记录" in text or "违约" in text
