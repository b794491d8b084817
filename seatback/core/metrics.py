"""Prometheus metrics (issue 22), read at GET /metrics (ops.metrics).

Counted where they happen: requests by route and status with their latency (ops'
middleware), scans by intent and outcome (a ScanRecord saved), refusals by code (the one
place a refusal becomes a response, core.http), and the scheduler's rounds. Under
`seatback serve`, every gunicorn worker and the scheduler write to files in one folder
(prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR, set by the `seatback`
command before anything is imported), and /metrics adds them up; elsewhere (tests, a
shell) they are this process's own.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Seconds: a scan is tens of milliseconds; a long poll may take many seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "seatback_requests", "HTTP requests answered, by route and status", ["route", "status"]
)
LATENCY = Histogram(
    "seatback_request_seconds",
    "Time to answer a request, by route",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
SCANS = Counter("seatback_scans", "Seat scans, by intent and outcome", ["intent", "outcome"])
REFUSALS = Counter("seatback_refusals", "Refusals answered, by code", ["code"])
WORKER_ROUNDS = Counter("seatback_worker_rounds", "Rounds of the reservations scheduler")
WORKER_DONE = Counter("seatback_worker_done", "Work done by the scheduler, by kind", ["kind"])
