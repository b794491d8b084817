"""Time `seatback import marc` and catalogue search on generated GBK CNMARC records.

    .venv/bin/python bench/catalogue.py [--records 100000]

Runs on a fresh SQLite file in a temporary folder, or on DATABASE_URL when it is set (the
records it makes have record ids starting with BENCH and are deleted before and after).
Prints the import's seconds and rate, then the mean time of a search for words of two
characters (三体, 中国: read from the table) and of three or more (黑暗森林: served by the
trigram index, FTS5 on SQLite, pg_trgm on PostgreSQL).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/x.py run as a script

from bench.harness import Run, Target, load  # noqa: E402

COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
COMMON += "也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小"
COMMON += "物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形"
QUERIES = ["三体", "中国", "黑暗森林", "学习方法", "体Ⅱ：黑"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    options = parser.parse_args()
    with Run(Target.from_environment(), serve=False, prefix="seatback-catalogue-") as run:
        measure(options.records, run.work)


def measure(count: int, work: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    from seatback.catalogue.models import Bib
    from seatback.catalogue.search import embedded_search
    from tests.catalogue.marcfiles import cnmarc, write

    call_command("migrate", verbosity=0)
    Bib.objects.filter(record_id__startswith="BENCH").delete()
    print(f"database: {connection.vendor}; records: {count:,}; load average: {load()}")
    pick = random.Random(1)
    records = [
        cnmarc(
            f"BENCH{n:07d}",
            "".join(pick.choice(COMMON) for _ in range(pick.randint(4, 14)))
            + ("三体Ⅱ：黑暗森林" if n % 5000 == 0 else ""),
            "".join(pick.choice(COMMON) for _ in range(3)),
            "9787536692930",
            place="二楼 中文图书借阅室",
            call=f"I{n}",
        )
        for n in range(count)
    ]
    path = write(work / "records.iso", records, "gbk")
    out = StringIO()
    started = time.perf_counter()
    call_command("import", "marc", str(path), stdout=out, stderr=StringIO())
    seconds = time.perf_counter() - started
    print(f"import: {seconds:.1f} s, {count / seconds:,.0f} records/s   {out.getvalue().strip()}")
    for query in QUERIES:
        embedded_search(query)  # warm
        rounds, started = 20, time.perf_counter()
        for _ in range(rounds):
            page = embedded_search(query)
        mean = (time.perf_counter() - started) / rounds * 1000
        print(f"search {query!r:<12} {page.total:>5} found   {mean:7.1f} ms")
    print(f"load average at the end: {load()}")
    Bib.objects.filter(record_id__startswith="BENCH").delete()


if __name__ == "__main__":
    main()
