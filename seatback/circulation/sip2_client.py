"""A SIP2 client: one persistent connection per process, logged in once.

- Login (93) first, then SC status (99) to learn what the server supports (98 `BX`).
- Every message carries a sequence number (AY, cycling 0-9) and a checksum (AZ).
- A `96` (the server could not read us) is answered by sending the same frame once more.
- A response whose checksum does not add up is asked for again once with `97`.
- A connection the server dropped (EOF, reset) is opened again and the message sent once
  more; a server that cannot be reached raises `Sip2Unavailable` at once.

Requests are serialised on a lock: SIP2 is strictly one request, one response.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

from seatback.circulation.sip2 import (
    ChecksumError,
    Message,
    Sip2FormatError,
    decode,
    encode,
    read_frame,
)


class Sip2Error(Exception):
    """The SIP2 server answered, but not usefully (login refused, nonsense, resends)."""


class Sip2Unavailable(Sip2Error):
    """The SIP2 server cannot be reached or stopped answering."""


@dataclass(frozen=True)
class Sip2Config:
    host: str
    port: int
    user: str = ""
    password: str = ""
    location: str = ""
    institution: str = ""
    encoding: str = "utf-8"
    timeout: float = 10.0
    checksums: bool = True
    # The SIP2 server's own terminal password (AC), when it asks for one.
    terminal_password: str = ""


class Sip2Client:
    def __init__(self, config: Sip2Config) -> None:
        self.config = config
        self._sock: socket.socket | None = None
        self._buffer = bytearray()
        self._sequence = 0
        self._lock = threading.Lock()
        self.supported = ""  # 98's BX: 16 × Y/N
        self.connections = 0  # how many times a connection was opened (for tests and logs)

    # -- connection ---------------------------------------------------------------------

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
                self._buffer.clear()

    def _connect(self) -> None:
        self.close()
        try:
            sock = socket.create_connection(
                (self.config.host, self.config.port), timeout=self.config.timeout
            )
        except OSError as exc:
            raise Sip2Unavailable(
                f"cannot reach {self.config.host}:{self.config.port}: {exc}"
            ) from exc
        sock.settimeout(self.config.timeout)
        self._sock = sock
        self.connections += 1
        try:
            self._hello()
        except (OSError, TimeoutError) as exc:
            self.close()
            raise Sip2Unavailable(f"the SIP2 server stopped answering: {exc}") from exc

    def _hello(self) -> None:
        """Login (when a user is configured), then SC status for the supported messages."""
        if self.config.user:
            answer = self._exchange(
                Message(
                    "93",
                    "00",
                    [
                        ("CN", self.config.user),
                        ("CO", self.config.password),
                        ("CP", self.config.location),
                    ],
                )
            )
            if answer.code != "94" or answer.fixed[:1] != "1":
                self.close()
                raise Sip2Error("the SIP2 server refused our login (check user and password)")
        status = self._exchange(Message("99", "0" + "080" + "2.00"))
        if status.code != "98":
            self.close()
            raise Sip2Error(f"expected 98 after SC status, got {status.code}")
        self.supported = status.get("BX")

    def supports(self, position: int) -> bool:
        return len(self.supported) > position and self.supported[position] == "Y"

    # -- one exchange ---------------------------------------------------------------------

    def _send(self, frame: bytes) -> None:
        assert self._sock is not None
        self._sock.sendall(frame)

    def _receive(self) -> bytes:
        assert self._sock is not None
        while True:
            frame = read_frame(b"", self._buffer)
            if frame is not None:
                if frame.strip(b"\r\n"):
                    return frame
                continue  # a bare LF/CR between frames
            chunk = self._sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("the SIP2 server closed the connection")
            self._buffer.extend(chunk)

    def _exchange(self, message: Message) -> Message:
        """Send one message on the open connection and return the answer."""
        message.sequence = self._sequence
        self._sequence = (self._sequence + 1) % 10
        frame = encode(message, self.config.encoding, with_checksum=self.config.checksums)
        self._send(frame)
        resent = asked_again = False
        while True:
            raw = self._receive()
            try:
                answer = decode(raw, self.config.encoding)
            except ChecksumError:
                if asked_again:
                    raise Sip2Error("the SIP2 server's answer failed its checksum twice") from None
                asked_again = True
                self._send(encode(Message("97"), self.config.encoding, with_checksum=False))
                continue
            except Sip2FormatError as exc:
                raise Sip2Error(str(exc)) from exc
            if answer.code == "96":
                if resent:
                    raise Sip2Error("the SIP2 server could not read our message twice")
                resent = True
                self._send(frame)
                continue
            return answer

    def request(self, message: Message) -> Message:
        """One request and its answer, on the persistent connection (opened if needed)."""
        with self._lock:
            fresh = self._sock is None
            if fresh:
                self._connect()
            try:
                return self._exchange(message)
            except Sip2Error:
                self.close()
                raise
            except (OSError, TimeoutError) as exc:
                self.close()
                if fresh:
                    raise Sip2Unavailable(f"the SIP2 server stopped answering: {exc}") from exc
            # An old connection the server had dropped: open a new one and send once more.
            self._connect()
            try:
                return self._exchange(message)
            except Sip2Error:
                self.close()
                raise
            except (OSError, TimeoutError) as exc:
                self.close()
                raise Sip2Unavailable(f"the SIP2 server stopped answering: {exc}") from exc


_clients: dict[Sip2Config, Sip2Client] = {}
_clients_lock = threading.Lock()


def client_for(config: Sip2Config) -> Sip2Client:
    """The process's one client for this server."""
    with _clients_lock:
        if config not in _clients:
            _clients[config] = Sip2Client(config)
        return _clients[config]


def forget_clients() -> None:
    """Close every connection (tests, and after settings change)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
