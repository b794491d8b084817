"""A SIP2 server on 127.0.0.1 that speaks the protocol as Evergreen's and Koha's do, for
the tests: login, SC status (with BX), patron status and information, item information,
renew, renew all; checksums computed over the encoded bytes (GBK included), `96` for a
frame whose checksum does not add up, `97` answered with the last response.

It parses and builds frames itself (checksums with pysip2's), independently of
Seatback's codec. Knobs: `renew_all` (BX position 15), `crlf` (Koha's line ends),
`escape_pipes` (Koha's &#124;), `refuse_next` (answer 96 to the next n frames as if
damaged on the way), `drop_next` (close the connection instead of answering),
`garble_next` (send an answer with a wrong checksum), `drop_all()` (idle time-out).
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from dataclasses import dataclass, field

from pysip2 import calculate_checksum, verify_checksum

DATE = "20261201    093000"


@dataclass
class FakeItem:
    barcode: str
    title: str
    due: str  # AH as this server writes it
    renewable: bool = True
    reason: str = ""  # AF when refused
    new_due: str = "20261231    235959"


@dataclass
class FakePatron:
    card: str
    name: str
    password: str
    items: list[str] = field(default_factory=list)


class FakeSip2:
    def __init__(
        self,
        *,
        encoding: str = "utf-8",
        renew_all: bool = True,
        crlf: bool = False,
        escape_pipes: bool = False,
        login: tuple[str, str] = ("sipuser", "sippass"),
        institution: str = "SEATBACK",
    ) -> None:
        self.encoding = encoding
        self.renew_all = renew_all
        self.crlf = crlf
        self.escape_pipes = escape_pipes
        self.login = login
        self.institution = institution
        self.patrons: dict[str, FakePatron] = {}
        self.items: dict[str, FakeItem] = {}
        self.refuse_next = 0
        self.drop_next = 0
        self.garble_next = 0
        self.received: list[str] = []  # message codes, in order
        self.renewed: list[str] = []  # items actually renewed
        self.logins = 0
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                fake._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # -- set-up -------------------------------------------------------------------------

    def add(self, patron: FakePatron, *items: FakeItem) -> None:
        self.patrons[patron.card] = patron
        for item in items:
            self.items[item.barcode] = item
            patron.items.append(item.barcode)

    def start(self) -> FakeSip2:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.drop_all()

    def drop_all(self) -> None:
        """Close every open connection, as a server does after an idle time-out."""
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._connections.clear()

    # -- the wire -----------------------------------------------------------------------

    def frame(self, text: str, sequence: str | None) -> bytes:
        body = text.encode(self.encoding)
        if sequence is not None:
            body += f"AY{sequence}AZ".encode()
            body += calculate_checksum(body).encode()
        return body + (b"\r\n" if self.crlf else b"\r")

    def value(self, text: str) -> str:
        return text.replace("|", "&#124;") if self.escape_pipes else text

    def _serve(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.append(conn)
        buffer = b""
        last = b"96\r"
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                buffer += chunk
                while b"\r" in buffer:
                    raw, buffer = buffer.split(b"\r", 1)
                    raw = raw.lstrip(b"\n")
                    answer = self._answer(raw, last)
                    if answer is None:  # drop the connection
                        conn.close()
                        return
                    if raw[:2] != b"97":
                        last = answer
                    if self.garble_next and answer[:2] != b"96" and b"AZ" in answer:
                        # damaged on the way: a wrong checksum; the server keeps the good one
                        self.garble_next -= 1
                        end = len(answer) - (2 if self.crlf else 1)
                        digits = b"0000" if answer[end - 4 : end] != b"0000" else b"FFFF"
                        answer = answer[: end - 4] + digits + answer[end:]
                    conn.sendall(answer)
        except OSError:
            return

    def _answer(self, raw: bytes, last: bytes) -> bytes | None:
        code = raw[:2].decode("ascii", "replace")
        self.received.append(code)
        if code == "97":
            return last
        sequence = None
        if b"AZ" in raw[-6:]:
            if not verify_checksum(raw):
                return self.frame("96", None)
            if raw[-9:-7] == b"AY":
                sequence = raw[-7:-6].decode()
            raw = raw[: -9 if sequence is not None else -6]
        if self.refuse_next:
            self.refuse_next -= 1
            return self.frame("96", None)
        if self.drop_next:
            self.drop_next -= 1
            return None
        text = raw.decode(self.encoding)
        fields: dict[str, str] = {}
        for part in text.split("|"):
            if len(part) >= 2:
                fields.setdefault(part[:2], part[2:])
        body = self._respond(code, text, fields)
        answer = self.frame(body, sequence)
        return answer

    def _respond(self, code: str, text: str, f: dict[str, str]) -> str:
        ao = f"AO{self.institution}|"
        if code == "93":
            user = text[4:].split("|")[0][2:]
            ok = (user, f.get("CO", "")) == self.login
            self.logins += ok
            return "94" + ("1" if ok else "0")
        if code == "99":
            bx = "YYYYYYYYYYYYYY" + "Y" + ("Y" if self.renew_all else "N")
            return f"98YYYYNN030003{DATE}2.00{ao}AMFake library|BX{bx}|"
        patron = self.patrons.get(f.get("AA", ""))
        if code == "23":
            if patron is None:
                return f"24YYYY          000{DATE}{ao}AA{f.get('AA', '')}|AE|BLN|CQN|"
            cq = "Y" if f.get("AD") == patron.password else "N"
            name = self.value(patron.name)
            return f"24              000{DATE}{ao}AA{patron.card}|AE{name}|BLY|CQ{cq}|"
        if code == "63":
            if patron is None:
                return f"64YYYY          000{DATE}{'0' * 24}{ao}AA{f.get('AA', '')}|AE|BLN|"
            charged = "".join(f"AU{barcode}|" for barcode in patron.items)
            counts = f"0000{0:04d}{len(patron.items):04d}000000000000"
            return (
                f"64              000{DATE}{counts}{ao}AA{patron.card}|"
                f"AE{self.value(patron.name)}|BLY|CQY|{charged}"
            )
        if code == "17":
            item = self.items.get(f.get("AB", ""))
            if item is None:
                return f"18010001{DATE}AB{f.get('AB', '')}|AJ|"
            return f"18040001{DATE}AB{item.barcode}|AJ{self.value(item.title)}|AH{item.due}|"
        if code == "29":
            item = self.items.get(f.get("AB", ""))
            if patron is None or item is None or item.barcode not in patron.items:
                who, what = f.get("AA", ""), f.get("AB", "")
                return f"300NUN{DATE}{ao}AA{who}|AB{what}|AJ|AH|AFItem not checked out to you|"
            if not item.renewable:
                return (
                    f"300NUN{DATE}{ao}AA{patron.card}|AB{item.barcode}|"
                    f"AJ{self.value(item.title)}|AH{item.due}|AF{self.value(item.reason)}|"
                )
            item.due = item.new_due
            self.renewed.append(item.barcode)
            return (
                f"301YNN{DATE}{ao}AA{patron.card}|AB{item.barcode}|"
                f"AJ{self.value(item.title)}|AH{item.due}|"
            )
        if code == "65":
            if patron is None or not self.renew_all:
                return f"660{0:04d}{0:04d}{DATE}{ao}AFRenew all is not supported|"
            done, refused = [], []
            for barcode in patron.items:
                item = self.items[barcode]
                if item.renewable:
                    item.due = item.new_due
                    self.renewed.append(barcode)
                    done.append(barcode)
                else:
                    refused.append(barcode)
            bm = "".join(f"BM{b}|" for b in done)
            bn = "".join(f"BN{b}|" for b in refused)
            return f"661{len(done):04d}{len(refused):04d}{DATE}{ao}{bm}{bn}"
        return "96"
