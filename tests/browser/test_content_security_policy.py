"""Every page works under the Content-Security-Policy (issue 22): the reader's pages, the
room's screen and the back office's live map run their scripts with no violation reported,
and an inline script, were one injected, would not run."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.presence.services import display_of
from tests.conftest import at

pytestmark = pytest.mark.browser


def watch_violations(page: Any) -> list[str]:
    """CSP violations as the browser reports them: console errors and the DOM event."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy event: ' + e.violatedDirective));"
    )
    return seen


def test_pages_run_under_the_policy_without_a_violation(phones, room, seat, alice, lin):
    clock.travel_to(at("09:00"))
    reader = phones("alice", language="en")
    violations = watch_violations(reader.page)
    reader.open(f"/s/{seat.code}")
    reader.sign_in(alice)
    reader.tap("Start the clock")
    expect(reader.page.locator(".countdown .digits")).to_be_visible()  # seat.js ran
    reader.open("/me")
    reader.open("/reserve/")

    librarian = phones("lin", language="en")
    violations += watch_violations(librarian.page)
    librarian.open("/login")
    librarian.sign_in(lin)
    librarian.open(f"/backoffice/rooms/{room.pk}/")

    tablet = phones("tablet", language="en")
    violations += watch_violations(tablet.page)
    tablet.open(f"/display/rooms/{room.pk}?key={display_of(room, clock.now()).key}")
    expect(tablet.page.locator("[data-code]")).not_to_be_empty()  # room_display.js ran

    assert violations == []

    injected = reader.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = "
        "'window.__ran = true'; document.body.appendChild(s); return window.__ran === true; }"
    )
    assert injected is False
    assert any("script-src" in text for text in violations)
