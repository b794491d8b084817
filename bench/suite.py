"""The benchmark suite: scans and reads against `seatback serve`, and the database's floor.

    .venv/bin/python -m bench.suite [--db sqlite|postgres|both] [--quick] [--seconds 20]
        [--scenarios static,contention,scan-open,scan-closed,reads,screens,seat-pages,watch,
         reservation]

This file only orchestrates: for each database (in a child process of its own: Django is
set up once per process) it starts `seatback serve` the production way through
bench/harness.py (gunicorn, gthread; SQLite embedded: 1 worker, its default; PostgreSQL +
Redis: --pg-workers workers) on a fresh database, loads a library of 2,000 seats in 10
rooms and 20,000 readers with bearer tokens (bulk-written: signing 20,000 readers in
through the password hasher would time the hasher), captures the floor's SQL
(bench/floor.py), then runs the scenarios, each in its own file, each driving the load
generator (bench/loadgen.py: asyncio, raw keep-alive sockets) in a separate process over
loopback, each bounded in requests and seconds:

  contention   bench/contention.py: 500 readers challenge the same 20 seats at once
               (--contention-rounds rounds, default 2, each on fresh seats)
  scan-open    bench/scan_mix.py: the scan mix at a fixed rate (--rate, default 300/s)
  scan-closed  bench/scan_mix.py: the scan mix as fast as --scan-connections go
  reads        bench/reads.py: 500 seat pages and 100 room screens polling, as fast as
               --read-connections go; meanwhile a probe times how long until every read
               shows a change
  screens      bench/reads.py: only the 100 room screens (the shared reads), flat out
  seat-pages   bench/reads.py: only the 500 seat pages (a reader's own seat), flat out
  watch        bench/watch.py: 500 seat pages polling GET /seats/{code}/watch
  reservation  bench/reservation_rush.py: the morning rush of bookings for tomorrow,
               --rush-readers readers for --rush-seats reservable seats arriving within
               10 s (at most --seconds), retrying on seat_unavailable and busy

Each scenario reports throughput, latency p50/p95/p99, answers by status and code, server
CPU and peak memory per worker, the generator's own CPU, and the invariants read with SQL
afterwards (scans: no seat with two holders or two pending clocks, no reader with two;
bookings: no seat slot booked twice, no reader with two bookings, every booking with its
slots). The contention and scan-closed scenarios also run the floor: the same SQL,
replayed directly, one transaction per scan, with as many connections; the ratio is
Seatback's rate / the floor's. Reads (each endpoint), /watch and the reservation rush are
put against the static-file floor of the same run (scenario "static", run first).

Prints a table; writes JSON to bench/results/<UTC time>-<db>.json. --quick: 8 s scenarios,
one contention round, a rush of 1,000 readers for 100 seats.
PostgreSQL: --pg-url names a database this suite drops and re-creates (default
postgresql://postgres@127.0.0.1:5432/seatback_bench_run); Redis: --redis-url (its db is
flushed). Nothing else is touched; the SQLite data folder is temporary.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import contention, floor, reads, reservation_rush, scan_mix, static_floor, watch
from bench.harness import (
    OPEN_ALL_DAY,
    RESULTS,
    ROOT,
    Context,
    Run,
    Target,
    figures,
    load,
    say,
    seed,
    violations,
)

SEATS, ROOMS, READERS = 2000, 10, 20000

SCENARIOS: dict[str, Callable[[Context], dict[str, Any] | None]] = {
    "static": static_floor.run,
    "contention": contention.run,
    "scan-open": scan_mix.open_loop,
    "scan-closed": scan_mix.closed_loop,
    "reads": reads.run,
    "screens": reads.screens,
    "seat-pages": reads.seat_pages_only,
    "watch": watch.run,
    "reservation": reservation_rush.scenario,
}


def target(args: argparse.Namespace) -> Target:
    if args.db == "postgres":
        return Target(
            database_url=args.pg_url,
            redis_url=args.redis_url,
            workers=args.pg_workers,
            threads=args.threads,
            fresh=True,
        )
    return Target(workers=args.sqlite_workers, threads=args.threads)


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    """One database: the server, the library, every scenario; the report."""
    where = target(args)
    report: dict[str, Any] = {
        "database": where.label,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "load_at_start": load(),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        },
        "scenarios": {},
    }
    with Run(where, prefix="seatback-suite-") as run:
        report["server"] = run.describe()
        say(
            f"  {run.shape()}; loading {SEATS} seats in {ROOMS} rooms and {READERS} readers"
            " with tokens ..."
        )
        started = time.perf_counter()
        policy = {**OPEN_ALL_DAY, "leave_allowance_minutes": 10}
        lib = seed(rooms=ROOMS, seats=SEATS, readers=READERS, policy=policy, tag="SUITE")
        report["seed_seconds"] = round(time.perf_counter() - started, 1)
        say(f"  loaded in {report['seed_seconds']} s")
        capture = None
        if not args.no_floor:
            # A spare room with one seat and three readers, for capturing a scan's SQL.
            spare = seed(seats=1, readers=3, policy=policy, tag="CAPTURE")
            capture = floor.capture(spare)
            report["floor_templates"] = {
                name: {"statements": len(stmts), "answer": capture["answers"][name]}
                for name, stmts in capture["templates"].items()
            }
        ctx = Context(run, args, lib, capture)
        # The static-file floor first: every other scenario is also judged against it.
        order = sorted(args.scenarios, key=lambda name: name != "static")
        for name in order:
            say(f"\n[{where.label}] {name}  (load average {load()})")
            before = load()
            result = SCENARIOS[name](ctx)
            if result is None:
                continue
            result["load_before"], result["load_after"] = before, load()
            report["scenarios"][name] = result
            static = report["scenarios"].get("static")
            if static and static.get("throughput") and name != "static":
                judge_by_static(result, static)
            if name == "static":
                result["per_cpu_s"] = per_cpu_second(result)
            line = f"  -> {figures(result)}"
            if "floor" in result:
                line += f"; SQL floor {result['floor']['throughput']}/s"
            if "static_ratio" in result:
                line += f"; {result['static_ratio']} of the static file's rate"
            say(line)
        report["log_tail"] = run.log_tail()
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def per_cpu_second(result: dict[str, Any]) -> float | None:
    """Answers per second of the server's CPU: on a loaded machine, where the server gets
    only part of a core, a steadier figure than answers per second of wall time."""
    cpu = result.get("server_cpu_s")
    return round(result["answered"] / cpu, 1) if cpu else None


def judge_by_static(result: dict[str, Any], static_result: dict[str, Any]) -> None:
    """Ratios to the static-file floor of the same run: the scenario's and each endpoint's
    (answers per second of wall time), and the scenario's per second of server CPU."""
    static = static_result["throughput"]
    mine, floor_cpu = per_cpu_second(result), per_cpu_second(static_result)
    if mine and floor_cpu:
        result["per_cpu_s"], result["static_cpu_ratio"] = mine, round(mine / floor_cpu, 3)
    result["static_floor"] = static
    result["static_ratio"] = round(result["throughput"] / static, 3)
    for figures_of in result.get("by_endpoint", {}).values():
        figures_of["static_ratio"] = round(figures_of["throughput"] / static, 3)


# The table ---------------------------------------------------------------------------------


def table(reports: list[dict[str, Any]]) -> str:
    head = [
        "database",
        "scenario",
        "answered",
        "per s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "5xx",
        "non-2xx",
        "server cores",
        "RSS/worker MB",
        "gen cores",
        "SQL floor/s",
        "ratio",
        "÷ static",
        "per CPU-s",
        "÷ static per CPU-s",
        "invariants",
        "load",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for rep in reports:
        for name, r in rep["scenarios"].items():
            fl = r.get("floor")
            ratio = f"{r['throughput'] / fl['throughput']:.2f}" if fl and fl["throughput"] else "—"
            inv = r.get("invariants")
            bad = violations(inv) if inv else None
            non2xx = sum(v for k, v in r.get("errors_by_status", {}).items())
            lines.append(
                "| "
                + " | ".join(
                    str(x)
                    for x in [
                        rep["database"],
                        name,
                        f"{r.get('answered', r.get('requests'))}/{r.get('requests')}",
                        r.get("throughput"),
                        r.get("p50_ms"),
                        r.get("p95_ms"),
                        r.get("p99_ms"),
                        r.get("http_5xx"),
                        non2xx,
                        r.get("server_cores"),
                        r.get("peak_rss_mb_per_worker"),
                        r.get("client_cpu_cores"),
                        fl["throughput"] if fl else "—",
                        ratio,
                        r.get("static_ratio", "—"),
                        r.get("per_cpu_s", "—"),
                        r.get("static_cpu_ratio", "—"),
                        "—" if bad is None else ("ok" if bad == 0 else f"{bad} VIOLATIONS"),
                        f"{r.get('load_before')}→{r.get('load_after')}",
                    ]
                )
                + " |"
            )
    return "\n".join(lines)


def details(reports: list[dict[str, Any]]) -> str:
    out = []
    for rep in reports:
        for name, r in rep["scenarios"].items():
            answers = ", ".join(f"{v} {k}" for k, v in list(r.get("answers", {}).items())[:8])
            out.append(f"{rep['database']} {name}: {answers}")
            if "accepted_per_round" in r:
                out.append(
                    f"   accepted per round {r['accepted_per_round']}"
                    f" (expected {r['expected_accepted_per_round']})"
                )
            if "by_endpoint" in r:
                out.append(
                    "   "
                    + "; ".join(
                        f"{k}: {v['throughput']}/s p50 {v['p50_ms']} p99 {v['p99_ms']} ms"
                        f" (÷ static {v.get('static_ratio', '—')})"
                        for k, v in r["by_endpoint"].items()
                    )
                )
                out.append(
                    f"   change visible after (worst of {len(r['visibility_ms'])} probes):"
                    f" {r['visibility_worst_ms']} ms; incomplete {r['visibility_incomplete']}"
                )
            if "healthz" in r:
                h = r["healthz"]
                out.append(
                    f"   {r['path']}: {r['throughput']}/s; /healthz {h['throughput']}/s"
                    f" p50 {h['p50_ms']} p99 {h['p99_ms']} ms"
                )
            if "readers" in r:
                readers = ", ".join(f"{v} {k}" for k, v in r["readers"].items())
                out.append(f"   readers: {readers}; database after: {r['invariants']}")
                if "settled_within_60s" in r:
                    out.append(
                        f"   booked or told nothing is left within 60 s:"
                        f" {r['settled_within_60s']:.1%} of readers; settled after"
                        f" (p50, p95, max) {r['settled_after_p50_p95_max_s']} s;"
                        f" 5xx other than busy: {r.get('http_5xx_not_busy')}"
                    )
            if "floor" in r:
                f = r["floor"]
                out.append(
                    f"   floor: {f['scans']} scans {f['throughput']}/s p50 {f['p50_ms']}"
                    f" p99 {f['p99_ms']} ms, errors {f['errors']}, unmatched {f['unmatched']},"
                    f" replay CPU {f['client_cpu']} s"
                )
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="8 s scenarios")
    parser.add_argument("--seconds", type=float, default=20, help="length of each timed scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rate", type=float, default=300, help="scan-open: scans per second")
    parser.add_argument("--open-connections", type=int, default=64)
    parser.add_argument("--scan-connections", type=int, default=32)
    parser.add_argument("--read-connections", type=int, default=32)
    parser.add_argument("--max-scans", type=int, default=40000)
    parser.add_argument("--contention-rounds", type=int, default=2)
    parser.add_argument("--pg-workers", type=int, default=3)
    parser.add_argument("--sqlite-workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument(
        "--pg-url", default="postgresql://postgres@127.0.0.1:5432/seatback_bench_run"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--floor-scans", type=int, default=3000, help="at least this many")
    parser.add_argument(
        "--rush-seats", type=int, help="reservation: seats (200; --quick 100; full scale 2000)"
    )
    parser.add_argument(
        "--rush-readers", type=int, help="reservation: readers (2000; --quick 1000; full 20000)"
    )
    parser.add_argument("--rush-attempts", type=int, default=4, help="requests per reader")
    parser.add_argument("--rush-connections", type=int, default=50)
    parser.add_argument(
        "--rush-follow",
        type=float,
        default=60,
        help="reservation: seconds each reader keeps at it (0: --rush-attempts requests)",
    )
    parser.add_argument(
        "--rush-seconds", type=float, default=10, help="reservation: arrivals spread over"
    )
    parser.add_argument("--out", help="JSON file (default bench/results/<time>-<db>.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = min(args.seconds, 8)
        args.contention_rounds = 1
    if args.rush_seats is None:
        args.rush_seats = 100 if args.quick else 200
    if args.rush_readers is None:
        args.rush_readers = 1000 if args.quick else 2000
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        report = run_one(args)
        Path(args.child).write_text(json.dumps(report, default=str))
        return
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    say(
        f"Seatback benchmark suite, {stamp}: {', '.join(dbs)};"
        f" scenarios {', '.join(args.scenarios)};"
        f" {args.seconds:.0f} s each; {os.cpu_count()} cores; load average {load()}"
    )
    reports = []
    argv = list(sys.argv[1:] if argv is None else argv)
    for db in dbs:
        child_out = Path(tempfile.mkstemp(prefix="seatback-suite-", suffix=".json")[1])
        rest = [a for a in argv]
        if "--db" in rest:
            i = rest.index("--db")
            del rest[i : i + 2]
        rest = [a for a in rest if not a.startswith("--db=")]
        code = subprocess.run(
            [sys.executable, "-m", "bench.suite", "--db", db, "--child", str(child_out), *rest],
            cwd=ROOT,
        ).returncode
        if code != 0 or not child_out.read_text().strip():
            say(f"!! the {db} run failed (exit {code}); see above")
            continue
        report = json.loads(child_out.read_text())
        child_out.unlink()
        report["command"] = "python -m bench.suite " + " ".join(argv)
        path = Path(args.out) if args.out and len(dbs) == 1 else RESULTS / f"{stamp}-{db}.json"
        path.write_text(json.dumps(report, indent=1, default=str))
        say(f"wrote {path}")
        reports.append(report)
    say("\n" + table(reports))
    say("\n" + details(reports))


if __name__ == "__main__":
    main()
