"""The floor plan (docs/architecture.md): domain and base apps hold no doors.

Which app may import which is lint-imports' job (pyproject.toml, run by .ci/run); this
checks what a file listing shows: no views, URLs, templates, static files or template tags
below the audience apps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import seatback

ROOT = Path(seatback.__file__).parent
BELOW_THE_DOORS = [
    "core",
    "library",
    "readers",
    "audit",
    "notifications",
    "presence",
    "seats",
    "labels",
    "reservations",
    "content",
    "gates",
    "spaces",
    "plans",
    "circulation",
    "catalogue",
    "analytics",
    "officialaccount",
]
DOORS = ["views.py", "urls.py", "templates", "static", "templatetags"]


@pytest.mark.parametrize("app", BELOW_THE_DOORS)
def test_a_domain_or_base_app_has_no_views_urls_or_templates(app: str) -> None:
    found = sorted(
        str(path.relative_to(ROOT))
        for door in DOORS
        for path in (ROOT / app).rglob(door)
        if "migrations" not in path.parts
    )
    assert found == []


def test_every_app_is_placed_on_the_floor_plan() -> None:
    audience = {"api", "pages", "backoffice", "screens", "ops", "wechat"}
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(BELOW_THE_DOORS) | audience
