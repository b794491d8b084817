from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Rule tests read refusal sentences in English (the API tests check Chinese)."""
    with translation.override("en"):
        yield
