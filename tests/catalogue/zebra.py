"""A real SRU server for the tests: Index Data's Zebra (Debian's idzebra-2.0 and yaz),
indexing MARC records the test writes, serving SRU on 127.0.0.1.

Two things make Chinese work (ILS.md left it unresolved): the indexing rules say
`encoding utf-8` (without it Zebra reads the UTF-8 MARC as MARC-8: mojibake in the index
and in the records it returns), and ISBNs are indexed (`melm 020$a ISBN:w`, for bath.isbn).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.catalogue.marcfiles import Field, write

TAB = Path("/usr/share/idzebra-2.0/tab")
MODULES = Path("/usr/lib/x86_64-linux-gnu/idzebra-2.0/modules")
PQF = Path("/usr/share/yaz/etc/pqf.properties")


def available() -> bool:
    return bool(shutil.which("zebrasrv") and shutil.which("zebraidx") and PQF.exists())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def zebra(directory: Path, records: list[list[Field]]) -> Iterator[str]:
    """Index `records` (MARC21, UTF-8) and serve them; yields the SRU base URL."""
    write(directory / "records.mrc", records, "utf-8", utf8_leader=True)
    rules = (TAB / "marc21.abs").read_text()
    rules = rules.replace("name marc21\n", "name marc21\nencoding utf-8\n", 1)
    rules = rules.replace("melm 100\t", "melm 020$a\t\tISBN:w\nmelm 100\t", 1)
    (directory / "marc21.abs").write_text(rules)
    modules = MODULES if MODULES.exists() else Path("/usr/lib/idzebra-2.0/modules")
    (directory / "zebra.cfg").write_text(
        f"profilePath: .:{TAB}\nattset: bib1.att\nattset: explain.att\n"
        f"recordType: grs.marcxml.marc21\nmodulePath: {modules}\nencoding: utf-8\n"
    )
    port = _free_port()
    (directory / "yazgfs.xml").write_text(
        f"""<yazgfs><listen id="l">tcp:127.0.0.1:{port}</listen>
<server id="s" listenref="l"><directory>.</directory><config>zebra.cfg</config>
<cql2rpn>{PQF}</cql2rpn><retrievalinfo>
<retrieval syntax="xml" name="marcxml" identifier="info:srw/schema/1/marcxml-v1.1">
<backend syntax="usmarc" name="F"><marc inputformat="marc" outputformat="marcxml"
inputcharset="utf-8"/></backend></retrieval></retrievalinfo></server></yazgfs>"""
    )
    for step in (["init"], ["update", "records.mrc"]):
        subprocess.run(
            ["zebraidx", "-c", "zebra.cfg", *step], cwd=directory, check=True, capture_output=True
        )
    server = subprocess.Popen(
        ["zebrasrv", "-f", "yazgfs.xml", "-l", "zebrasrv.log"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("zebrasrv did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/Default"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=5)
