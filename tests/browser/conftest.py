"""End-to-end tests in a real headless Chromium (Debian's, driven by Playwright).

Each reader is a separate browser context (their own phone: cookies, session, clock) at a
360x740 mobile viewport with WeChat's user agent. The live server runs in this process, so
`seatback.core.clock.travel` moves the server's clock for the browsers too. Screenshots of
every step go to test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seatback.readers.models import Reader
from tests.conftest import PASSWORD
from tests.pages.conftest import zh

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 360, "height": 740}
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2171A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 "
    "MMWEBSDK/20240404 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x2800313D) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# axe-core from the npm registry (vendor/axe.min.js, MPL-2.0: vendor/axe-core-LICENSE).
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        reason = f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("SEATBACK_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Phone:
    """One reader's phone: a browser context with a page, and the steps a person takes."""

    def __init__(
        self, page: Any, who: str, shoot: Callable[[Any, str], None], language: str | None
    ) -> None:
        self.page = page
        self.who = who
        self._shoot = shoot
        self.language = language

    def t(self, text: str) -> str:
        """`text` in this phone's language."""
        return text if self.language == "en" else zh(text)

    def open(self, path: str) -> Any:
        return self.page.goto(path)

    def shot(self, step: str) -> None:
        self._shoot(self.page, f"{self.who}-{step}")

    def document(self, name: str) -> None:
        """What the phone's screen shows now (no full page), for docs/screenshots/ (copied
        from test-artifacts/browser/docs/ by hand after looking at it)."""
        folder = ARTIFACTS / "docs"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"))

    def sign_in(self, reader: Reader) -> None:
        """Fill in the sign-in form the page shows, as a person would."""
        self.page.get_by_label(self.t("Card number")).fill(reader.card_number)
        self.page.get_by_label(self.t("Password")).fill(PASSWORD)
        self.page.get_by_role("button", name=self.t("Sign in"), exact=True).click()
        self.page.wait_for_load_state()

    def tap(self, label: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=label, exact=True).click()

    def button(self, label: str) -> Any:
        return self.page.get_by_role("button", name=label, exact=True)

    def primary(self) -> Any:
        return self.page.locator("button.primary")

    def digits(self) -> str:
        return str(self.page.locator(".countdown .digits").text_content()).strip()

    def accessibility_problems(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Through the DevTools protocol, which the pages' Content-Security-Policy (no
            # inline script) does not govern; a <script> tag would be refused, as it should.
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        found = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.help + ' at '"
            " + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        return [str(problem) for problem in found]

    def says(self, text: str) -> Any:
        return self.page.get_by_text(text, exact=False).first


@pytest.fixture
def phones(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Phone]]:
    """phones("alice") opens a new phone; language="en" picks English, skew_seconds sets
    the phone's clock wrong by that much."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))
    contexts = []

    def shoot(page: Any, name: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    def open_phone(
        who: str, language: str | None = None, skew_seconds: float = 0, **options: Any
    ) -> Phone:
        context = browser.new_context(
            base_url=live_server.url,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            user_agent=WECHAT_ANDROID,
            timezone_id="Asia/Shanghai",
            **{"locale": "zh-CN", "viewport": VIEWPORT, **options},
        )
        context.set_default_timeout(5000)
        if language:
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
        contexts.append(context)
        page = context.new_page()
        if skew_seconds:
            import time

            page.clock.install(time=time.time() + skew_seconds)
            page.clock.resume()
        return Phone(page, who, shoot, language)

    yield open_phone
    for context in contexts:
        context.close()
