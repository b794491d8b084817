"""Staff accounts: an administrator makes a reader a librarian, and back."""

from __future__ import annotations

from django.test import Client

from seatback.audit.models import AuditEntry
from tests.pages.conftest import page_text


def test_make_a_reader_a_librarian_and_back(as_admin: Client, alice, admin, client_for):
    assert client_for(alice).get("/backoffice/").status_code == 403
    response = as_admin.post("/backoffice/staff/add", {"card_number": "20230001", "librarian": "1"})
    assert response["Location"] == "/backoffice/staff/"
    alice.refresh_from_db()
    assert alice.is_staff and not alice.is_superuser
    assert client_for(alice).get("/backoffice/").status_code == 200
    assert "20230001" in page_text(as_admin.get("/backoffice/staff/"))
    entry = AuditEntry.objects.get(action="reader.staff")
    assert entry.actor == admin
    assert entry.before["is_staff"] is False and entry.after["is_staff"] is True

    as_admin.post(f"/backoffice/readers/{alice.pk}/staff", {"librarian": "0"})
    alice.refresh_from_db()
    assert not alice.is_staff
    assert client_for(alice).get("/backoffice/").status_code == 403
    assert AuditEntry.objects.filter(action="reader.staff").count() == 2


def test_an_unknown_card_number_is_said(as_admin: Client):
    response = as_admin.post(
        "/backoffice/staff/add", {"card_number": "nobody", "librarian": "1"}, follow=True
    )
    assert "No reader has the card number nobody." in page_text(response)
    assert not AuditEntry.objects.exists()


def test_a_librarian_cannot_make_librarians(as_lin: Client, alice):
    response = as_lin.post(f"/backoffice/readers/{alice.pk}/staff", {"librarian": "1"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert not alice.is_staff
