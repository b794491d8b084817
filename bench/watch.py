"""Suite scenario "watch": 500 seat pages polling GET /seats/{code}/watch, the pages' light
poll, as fast as --read-connections connections go for --seconds."""

from __future__ import annotations

from typing import Any

from bench.harness import Context, plan, say
from bench.reads import PAGES, seat_pages


def run(ctx: Context) -> dict[str, Any]:
    conns = ctx.args.read_connections
    say(f"  {PAGES} seat pages polling /watch, {conns} connections, {ctx.seconds:.0f} s")
    out = ctx.measure(
        plan(
            "closed",
            seat_pages(ctx, "/watch"),
            ctx.lib.tokens,
            connections=conns,
            seconds=ctx.seconds,
            parse=False,
        )
    )
    out.pop("_raw")
    return out
