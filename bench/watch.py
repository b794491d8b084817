"""Suite scenario "watch": 500 seat pages polling GET /seats/{code}/watch, the pages' light
poll, as fast as --read-connections connections go for --seconds."""

from __future__ import annotations

from typing import Any

from bench.harness import Context
from bench.reads import poll_seat_pages


def run(ctx: Context) -> dict[str, Any]:
    return poll_seat_pages(ctx, "/watch")
