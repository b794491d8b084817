"""Time `seatback import readers` on a generated CSV (30,000 readers by default).

    .venv/bin/python bench/import_readers.py [--readers 30000] [--full-hash-sample 200]

Runs on a fresh SQLite file in a temporary folder, or on DATABASE_URL when it is set (the
readers it makes have card numbers starting with BENCH and are deleted before and after).
Uses the production password hasher (Django's PBKDF2-SHA256, 1,000,000 rounds).

Prints the seconds for: creating every reader without a password; the same file again
(nothing changes); every name changed; creating every reader with a password and
--fast-hash; and the full-cost hashing rate on a sample (the import of a file of that many
new readers with passwords, without --fast-hash), extrapolated to all readers.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/x.py run as a script

from bench.harness import Run, Target, load  # noqa: E402


def write_file(
    path: Path, count: int, *, passwords: bool, suffix: str = "", prefix: str = "BENCH"
) -> None:
    kinds = ["本科生", "研究生", "教职工", "other"]
    departments = ["文学院", "数学与统计学院", "物理与电子科学学院", "法学院", "外国语学院"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["card_number", "name", "password", "kind", "department"])
        for n in range(count):
            writer.writerow(
                [
                    f"{prefix}{n:07d}",
                    f"读者{n}{suffix}",
                    f"initial-{n:06d}" if passwords else "",
                    kinds[n % len(kinds)],
                    departments[n % len(departments)],
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=30_000)
    parser.add_argument("--full-hash-sample", type=int, default=200)
    options = parser.parse_args()

    with Run(Target.from_environment(), serve=False, prefix="seatback-import-") as run:
        measure(options, run.work)


def measure(options: argparse.Namespace, work: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from seatback.readers.models import Reader

    call_command("migrate", verbosity=0)
    Reader.objects.filter(card_number__startswith="BENCH").delete()
    count = options.readers
    print(f"database: {connection.vendor}; hasher: {settings.PASSWORD_HASHERS[0]}")
    cores = len(os.sched_getaffinity(0))
    print(f"cores: {cores}; readers: {count:,}; load average: {load()}")

    def timed(label: str, *args: str) -> tuple[float, float]:
        """`seatback import readers ARGS`: wall and CPU seconds (hashing threads included)."""
        out = StringIO()
        started, cpu = time.perf_counter(), time.process_time()
        call_command("import", "readers", *args, stdout=out, stderr=StringIO())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        summary = out.getvalue().strip().partition(" (")[0]
        print(f"{label:<38} {seconds:7.1f} s wall {cpu:7.1f} s CPU   {summary}")
        return seconds, cpu

    plain, renamed, with_passwords = work / "plain.csv", work / "renamed.csv", work / "pw.csv"
    write_file(plain, count, passwords=False)
    write_file(renamed, count, passwords=False, suffix="·改")
    write_file(with_passwords, count, passwords=True)

    timed("create, no passwords", str(plain))
    timed("same file again (nothing changes)", str(plain))
    timed("every name changed", str(renamed))
    Reader.objects.filter(card_number__startswith="BENCH").delete()
    timed("create, with passwords, --fast-hash", str(with_passwords), "--fast-hash")
    timed("same file again (passwords kept)", str(with_passwords))

    sample, sampled = work / "sample.csv", options.full_hash_sample
    write_file(sample, sampled, passwords=True, prefix="BENCHH")
    wall, cpu = timed("create, with passwords, full cost", str(sample))
    per_hash = cpu / sampled
    print(
        f"full-cost hashing, {sampled} sampled: {wall:.1f} s wall, "
        f"{per_hash * 1000:.0f} ms CPU per password -> {count:,} passwords: "
        f"{count * per_hash / 60:.0f} CPU-minutes, "
        f"{count * per_hash / cores / 60:.0f} min on {cores} idle cores"
    )
    print(f"load average at the end: {load()}")
    Reader.objects.filter(card_number__startswith="BENCH").delete()


if __name__ == "__main__":
    main()
