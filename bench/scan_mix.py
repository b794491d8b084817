"""Suite scenarios "scan-open" and "scan-closed": the scan mix, at a fixed rate and flat out.

The mix, over all the library's seats and readers: challenge 40 % (random reader, random
seat), return 25 % (a recent clock's seat, by another reader: the occupant comes back, a
hold starts), claim 15 % (a recent challenger, too early), release 20 % (a recent returner
leaves). So about half the scans are accepted writes and half refusals.

  scan-open    --rate scans a second (open loop) over --open-connections connections for
               --seconds; latency counted from when each scan was due, so a slow server
               cannot hide its queue; a scan still waiting for a connection 10 s after it
               was due is given up and counted
  scan-closed  as fast as --scan-connections connections go, for --seconds or --max-scans;
               then the floor (bench/floor.py) replays the answered scans' SQL directly
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

from bench import floor
from bench.harness import Context, Seeded, reset_scans, say, scan_invariants, scan_plan


def mix(lib: Seeded, count: int, seed: int) -> list[tuple[str, int, int]]:
    """(intent, reader index, seat index) for `count` scans of the mix."""
    rng = random.Random(seed)
    readers, seats = len(lib.reader_ids), len(lib.seat_ids)
    clocks: deque[tuple[int, int]] = deque(maxlen=400)
    holders: deque[tuple[int, int]] = deque(maxlen=400)
    scans = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.40 or not clocks:
            reader, seat = rng.randrange(readers), rng.randrange(seats)
            clocks.append((reader, seat))
            scans.append(("challenge", reader, seat))
        elif roll < 0.65:
            _challenger, seat = clocks.popleft()
            occupant = rng.randrange(readers)
            holders.append((occupant, seat))
            scans.append(("return", occupant, seat))
        elif roll < 0.80:
            reader, seat = clocks[rng.randrange(len(clocks))]
            scans.append(("claim", reader, seat))
        else:
            reader, seat = (
                holders.popleft() if holders else (rng.randrange(readers), rng.randrange(seats))
            )
            scans.append(("release", reader, seat))
    return scans


def open_loop(ctx: Context) -> dict[str, Any]:
    rate, conns = ctx.args.rate, ctx.args.open_connections
    count = int(rate * ctx.seconds)
    scans = mix(ctx.lib, count, seed=2)
    say(f"  {count} scans at {rate}/s (open loop), {conns} connections")
    how = {"connections": conns, "seconds": ctx.seconds, "timeout": 10, "rate": rate}
    out = ctx.measure(scan_plan(ctx.lib, "open", scans, **how))
    out.pop("_raw")
    out["offered_rate"] = rate
    out["invariants"] = scan_invariants(ctx.lib.room_ids)
    reset_scans(ctx.lib.room_ids)
    return out


def closed_loop(ctx: Context) -> dict[str, Any]:
    conns, count = ctx.args.scan_connections, ctx.args.max_scans
    scans = mix(ctx.lib, count, seed=3)
    say(
        f"  the scan mix as fast as it goes: {conns} connections, up to {count} scans or"
        f" {ctx.seconds:.0f} s"
    )
    how = {"connections": conns, "seconds": ctx.seconds, "max_requests": count}
    out = ctx.measure(scan_plan(ctx.lib, "closed", scans, **how))
    raw = out.pop("_raw")
    out["invariants"] = scan_invariants(ctx.lib.room_ids)
    if ctx.capture:
        out["floor"] = floor.measure(ctx, scans, raw, min(conns, ctx.run.connections()))
    return out
