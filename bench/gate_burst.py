"""A burst of gate events: 500 a second for 20 s from 8 gate controllers, none lost.

    .venv/bin/python bench/gate_burst.py [--rate 500] [--seconds 20] [--gates 8] [--batch 10]

Starts `seatback serve` on a fresh data folder (SQLite; PostgreSQL and Redis with
DATABASE_URL / REDIS_URL, see bench/harness.py), adds a building with --gates entrance
gates, and runs one thread per gate controller, each sending its share of --rate events a
second as signed deliveries of --batch events to POST /api/v1/gate/events, on schedule
(open loop: a late answer delays that controller, the schedule does not wait). A refused
delivery (503 busy, a dropped connection) is sent again, re-signed with a new nonce, as a
controller would; an event kept before the refusal then answers "duplicate".

Prints delivery latency, how far behind schedule the controllers fell, the answers, and the
check that matters: every event sent is in the database exactly once.
"""

from __future__ import annotations

import hmac
import http.client
import json
import secrets
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/x.py run as a script

from bench.harness import (  # noqa: E402
    Run,
    Sampler,
    Target,
    load,
    model,
    percentile,
    say,
    standalone_parser,
)


def sign(key: str, timestamp: int, nonce: str, body: bytes) -> str:
    """The gate protocol's signature (docs/gates.md), as a controller computes it."""
    return hmac.new(key.encode(), f"{timestamp}.{nonce}.".encode() + body, "sha256").hexdigest()


class Controller(threading.Thread):
    """One gate: sends its events on schedule, each delivery until it is accepted."""

    def __init__(self, port: int, code: str, key: str, cards: list[str], args: object) -> None:
        super().__init__(daemon=True)
        self.port, self.code, self.key, self.cards, self.args = port, code, key, cards, args
        self.sent: list[str] = []
        self.latencies: list[float] = []
        self.answers: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.behind = 0.0
        self.start_at = 0.0
        self.inside: set[str] = set()

    def post(self, body: bytes) -> tuple[int, dict[str, object]]:
        timestamp, nonce = int(time.time()), secrets.token_hex(16)
        headers = {
            "Content-Type": "application/json",
            "X-Seatback-Gate": self.code,
            "X-Seatback-Timestamp": str(timestamp),
            "X-Seatback-Nonce": nonce,
            "X-Seatback-Signature": sign(self.key, timestamp, nonce, body),
        }
        self.connection.request("POST", "/api/v1/gate/events", body, headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def run(self) -> None:
        args = self.args
        per_second = args.rate / args.gates  # type: ignore[attr-defined]
        deliveries = int(per_second * args.seconds / args.batch)  # type: ignore[attr-defined]
        interval = args.batch / per_second  # type: ignore[attr-defined]
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        for d in range(deliveries):
            due = self.start_at + d * interval
            time.sleep(max(0.0, due - time.perf_counter()))
            self.behind = max(self.behind, time.perf_counter() - due)
            events = []
            for _ in range(args.batch):  # type: ignore[attr-defined]
                card = self.cards[n % len(self.cards)]
                direction = "out" if card in self.inside else "in"
                self.inside.symmetric_difference_update({card})
                event_id = f"{self.code}-{n}"
                n += 1
                at = datetime.now(UTC).isoformat()
                events.append({"id": event_id, "direction": direction, "card": card, "at": at})
                self.sent.append(event_id)
            body = json.dumps({"events": events}).encode()
            while True:
                started = time.perf_counter()
                try:
                    status, answer = self.post(body)
                except (OSError, http.client.HTTPException):
                    self.answers["no answer"] += 1
                    self.connection.close()
                    time.sleep(0.2)
                    continue
                self.latencies.append((time.perf_counter() - started) * 1000)
                self.answers[str(status)] += 1
                if status == 200:
                    for result in answer["results"]:  # type: ignore[union-attr]
                        self.outcomes[result["outcome"]] += 1  # type: ignore[index]
                    break
                time.sleep(0.2)


def main() -> None:
    parser = standalone_parser(__doc__, seats=0, readers=2000, threads=8, server_threads=16)
    parser.add_argument("--rate", type=int, default=500, help="events a second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--gates", type=int, default=8, help="gate controllers (threads)")
    parser.add_argument("--batch", type=int, default=10, help="events per delivery")
    args = parser.parse_args()
    target = Target.from_environment(workers=args.workers or None, threads=args.server_threads)
    with Run(target, keep=args.keep, tidy=True) as run:
        lib = run.seed(seats=0, readers=args.readers, rooms=1, policy={})
        building = b = model("gates", "Building").objects.create(name=f"bench {lib.tag}")
        Gate = model("gates", "Gate")
        gates = [
            Gate.objects.create(code=f"bench-{lib.tag.lower()}-{g}", name=f"G{g}", building=b)
            for g in range(args.gates)
        ]
        cards = [f"BENCH{lib.tag}-{i:06d}" for i in range(args.readers)]
        controllers = [
            Controller(run.port, gate.code, gate.key, cards[g :: args.gates], args)
            for g, gate in enumerate(gates)
        ]
        say(
            f"{run.target.label}, {run.shape()}: {args.rate} events/s for {args.seconds:.0f} s"
            f" from {args.gates} gates in deliveries of {args.batch}; load {load()}"
        )
        assert run.server is not None
        sampler = Sampler(run.server, run.db_pids())
        started = time.perf_counter()
        for c in controllers:
            c.start_at = started
            c.start()
        for c in controllers:
            c.join()
        elapsed = time.perf_counter() - started
        usage = sampler.stop(elapsed)

        sent = [event_id for c in controllers for event_id in c.sent]
        GateEvent = model("gates", "GateEvent")
        kept = list(
            GateEvent.objects.filter(gate__building=building).values_list("event_id", flat=True)
        )
        lost = len(set(sent) - set(kept))
        doubled = len(kept) - len(set(kept))
        latencies = sorted(ms for c in controllers for ms in c.latencies)
        answers = sum((c.answers for c in controllers), Counter())
        outcomes = sum((c.outcomes for c in controllers), Counter())
        say(
            f"\n{len(sent)} events sent in {elapsed:.1f} s ({len(sent) / elapsed:.0f}/s);"
            f" delivery latency ms p50 {percentile(latencies, 0.5):.1f},"
            f" p95 {percentile(latencies, 0.95):.1f}, p99 {percentile(latencies, 0.99):.1f},"
            f" max {latencies[-1] if latencies else 0:.1f};"
            f" furthest behind schedule {max(c.behind for c in controllers) * 1000:.0f} ms"
        )
        say(f"answers {dict(answers)}; outcomes {dict(outcomes)}")
        say(
            f"server CPU {usage.get('server_cpu_s')} s ({usage.get('server_cores')} cores),"
            f" peak RSS per worker {usage.get('peak_rss_mb_per_worker')} MB"
        )
        say(f"in the database: {len(kept)} events; lost {lost}; kept twice {doubled}")
        model("gates", "Passage").objects.filter(building=building).delete()
        GateEvent.objects.filter(gate__building=building).delete()
        Gate.objects.filter(building=building).delete()
        building.delete()
        if lost or doubled:
            raise SystemExit("events were lost or kept twice")


if __name__ == "__main__":
    main()
