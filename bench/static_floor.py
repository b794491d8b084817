"""Suite scenario "static": the static-file floor, a small static file (and /healthz) served
by the same `seatback serve` in the same run, as fast as --read-connections connections go
for --seconds.

It is what this server, on this machine, at this moment, can answer at best: gunicorn's
HTTP handling and WhiteNoise, no view, no database. Reads are judged as a ratio to it (the
suite's table: reads, watch and each read endpoint against this throughput), so a loaded
machine lowers both sides alike.
"""

from __future__ import annotations

from typing import Any

from bench.harness import Context, plan, say

# About the size of a seat page's JSON answer (1.2 KB), collected by `seatback serve`.
STATIC_PATH = "/static/pages/book.css"
HEALTH_PATH = "/healthz"


def _flat_out(ctx: Context, path: str) -> dict[str, Any]:
    conns = ctx.args.read_connections
    out = ctx.measure(
        plan(
            "closed",
            [["GET", path, None]],
            [],
            connections=conns,
            seconds=ctx.seconds / 2,
            parse=False,
        )
    )
    out.pop("_raw")
    return out


def run(ctx: Context) -> dict[str, Any]:
    conns = ctx.args.read_connections
    say(f"  GET {STATIC_PATH} as fast as {conns} connections go, {ctx.seconds / 2:.0f} s")
    out = _flat_out(ctx, STATIC_PATH)
    say(f"  GET {HEALTH_PATH} likewise")
    health = _flat_out(ctx, HEALTH_PATH)
    out["healthz"] = {
        k: health[k] for k in ("answered", "throughput", "p50_ms", "p99_ms", "http_5xx")
    }
    out["path"] = STATIC_PATH
    return out
