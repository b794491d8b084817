"""Suite scenario "contention": 500 readers challenge the same 20 seats at once.

--contention-rounds rounds (2; 1 with --quick), each on 20 fresh seats with 500 fresh
readers, all 500 connections opened first (the load generator's burst mode). Exactly 20
clocks must start per round; the others are told seat_challenged. Then the floor
(bench/floor.py) replays the answered scans' SQL directly.
"""

from __future__ import annotations

from typing import Any

from bench import floor
from bench.harness import Context, reset_scans, say, scan_invariants, scan_plan, summarise

PER_ROUND, SEATS = 500, 20


def run(ctx: Context) -> dict[str, Any]:
    rounds = ctx.args.contention_rounds
    rows: list[list[Any]] = []
    accepted = []
    scans: list[tuple[str, int, int]] = []
    runs = []
    for n in range(rounds):
        seats = range(n * SEATS, (n + 1) * SEATS)
        readers = range(n * PER_ROUND, (n + 1) * PER_ROUND)
        burst = [("challenge", r, seats[i % SEATS]) for i, r in enumerate(readers)]
        say(f"  round {n + 1}/{rounds}: {PER_ROUND} readers, {SEATS} seats, all at once")
        how = {"connections": PER_ROUND, "seconds": 120, "timeout": 60}
        out = ctx.measure(scan_plan(ctx.lib, "burst", burst, **how))
        raw = out.pop("_raw")
        rows.extend([[len(scans) + r[0], *r[1:]] for r in raw["results"]])
        scans.extend(burst)
        accepted.append(out["answers"].get("200 challenge_started", 0))
        runs.append(out)
    seconds = sum(u["seconds"] for u in runs)
    merged = summarise({"results": rows, "elapsed": seconds, "client_cpu": 0.0})
    merged["throughput"] = round(sum(u["answered"] for u in runs) / seconds, 1)
    for key in ("server_cores", "db_cores", "client_cpu_cores"):
        merged[key] = round(max(u[key] for u in runs), 2)
    merged["server_cpu_s"] = round(sum(u["server_cpu_s"] for u in runs), 2)
    merged["peak_rss_mb_per_worker"] = max(u["peak_rss_mb_per_worker"] for u in runs)
    merged["per_process"] = runs[-1]["per_process"]
    merged["accepted_per_round"] = accepted
    merged["expected_accepted_per_round"] = SEATS
    merged["invariants"] = scan_invariants(ctx.lib.room_ids)
    if ctx.capture:
        conns = min(PER_ROUND, ctx.run.connections())
        merged["floor"] = floor.measure(ctx, scans, {"results": rows}, conns)
    reset_scans(ctx.lib.room_ids)
    return merged
