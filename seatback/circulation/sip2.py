"""SIP2 (3M Standard Interchange Protocol 2.00): Seatback's own small codec.

A message is a two-digit code, fixed fields without separators, variable fields
`XXvalue|`, optionally `AY<digit>AZ<4 hex>`, then CR (docs/library-systems.md).

The checksum is computed over the raw bytes. A frame is decoded to text *before* it is
split on `|`: in GBK, 116 common ideographs (東, 億, 瑋 …) have 0x7C as their second
byte, so splitting the bytes would cut a name in two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

CR = b"\r"

# Length of each response's fixed part (after the two-digit code), SIP2 2.00.
FIXED_LENGTHS: dict[str, int] = {
    "94": 1,  # login: ok
    "98": 6 + 3 + 3 + 18 + 4,  # ACS status
    "24": 14 + 3 + 18,  # patron status
    "64": 14 + 3 + 18 + 6 * 4,  # patron information
    "30": 1 + 1 + 1 + 1 + 18,  # renew
    "66": 1 + 4 + 4 + 18,  # renew all
    "18": 2 + 2 + 2 + 18,  # item information
    "96": 0,  # please resend
    # requests, for the fake server in the tests and for cross-checks
    "93": 2,
    "99": 1 + 3 + 4,
    "23": 3 + 18,
    "63": 3 + 18 + 10,
    "29": 1 + 1 + 18 + 18,
    "65": 18,
    "17": 18,
    "97": 0,
}


class Sip2FormatError(ValueError):
    """A frame that cannot be read as SIP2."""


class ChecksumError(Sip2FormatError):
    """The frame's checksum does not add up: ask for it again."""


def checksum(prefix_through_az: bytes) -> str:
    """Four uppercase hex digits: the two's complement of the low 16 bits of the byte sum."""
    return f"{(-sum(prefix_through_az)) & 0xFFFF:04X}"


def checksum_ok(frame: bytes) -> bool:
    """`frame` ends with AZ and four hex digits (no CR)."""
    digits = frame[-4:]
    if len(frame) < 6 or frame[-6:-4] != b"AZ" or not re.fullmatch(rb"[0-9A-Fa-f]{4}", digits):
        return False
    return (sum(frame[:-4]) + int(digits, 16)) & 0xFFFF == 0


def sip_date(moment: datetime | None = None, zone: ZoneInfo | None = None) -> str:
    """18 characters: YYYYMMDD, four blanks (local time), HHMMSS."""
    if moment is None:
        return " " * 18
    if zone is not None and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y%m%d") + "    " + moment.strftime("%H%M%S")


_DATE_PATTERNS = [
    # 20261214    002843 / 20261214Z   002843 / 20261214 002843
    re.compile(r"^(\d{4})(\d{2})(\d{2})\s*[A-Z]{0,4}\s*(\d{2})(\d{2})(\d{2})$"),
    # 2011-10-28 23:59:59 / 2011/10/28 23:59 / 2011-10-28T23:59:59
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"),
    # 20261214
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_due(text: str, zone: ZoneInfo) -> datetime | None:
    """A due date as servers actually send it (AH is free text): None if not a date."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            groups = list(match.groups()) + [None] * (6 - len(match.groups()))
            year, month, day = (int(g) for g in groups[:3])
            if groups[3] is None:  # a date alone: due at the end of that day
                hour, minute, second = 23, 59, 59
            else:
                hour, minute, second = (int(g or 0) for g in groups[3:6])
            try:
                return datetime(year, month, day, hour, minute, second, tzinfo=zone)
            except ValueError:
                return None
    return None


@dataclass
class Message:
    code: str
    fixed: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    sequence: int | None = None

    def get(self, tag: str, default: str = "") -> str:
        for key, value in self.fields:
            if key == tag:
                return value
        return default

    def all(self, tag: str) -> list[str]:
        return [value for key, value in self.fields if key == tag]


def encode(message: Message, encoding: str, *, with_checksum: bool = True) -> bytes:
    """The frame for `message`, CR included."""
    parts = [message.code, message.fixed]
    for tag, value in message.fields:
        if "|" in value or "\r" in value or "\n" in value:
            raise Sip2FormatError(f"field {tag} holds a separator: {value!r}")
        parts.append(f"{tag}{value}|")
    body = "".join(parts).encode(encoding)
    if not with_checksum:
        return body + CR
    if message.sequence is not None:
        body += f"AY{message.sequence % 10}".encode("ascii")
    body += b"AZ"
    return body + checksum(body).encode("ascii") + CR


def decode(frame: bytes, encoding: str, *, require_checksum: bool = False) -> Message:
    """Read one frame (with or without its CR; a leading LF, as Koha sends, is skipped).

    Raises ChecksumError when a checksum is present and wrong (or missing but required).
    """
    raw = frame.lstrip(b"\n").rstrip(b"\r\n")
    sequence: int | None = None
    trailer = re.search(rb"(?:AY(\d))?AZ([0-9A-Fa-f]{4})$", raw)
    if trailer:
        if not checksum_ok(raw):
            raise ChecksumError("checksum does not add up")
        if trailer.group(1) is not None:
            sequence = int(trailer.group(1))
        raw = raw[: trailer.start()]
    elif require_checksum:
        raise ChecksumError("no checksum")
    text = raw.decode(encoding, errors="replace")  # decode first, then split on "|"
    if len(text) < 2 or not text[:2].isdigit():
        raise Sip2FormatError(f"not a SIP2 message: {text[:20]!r}")
    code = text[:2]
    width = FIXED_LENGTHS.get(code, 0)
    fixed, rest = text[2 : 2 + width], text[2 + width :]
    if len(fixed) < width:
        raise Sip2FormatError(f"message {code} is too short")
    fields = []
    for part in rest.split("|"):
        if len(part) >= 2:
            # Koha writes a "|" inside a value as &#124;
            fields.append((part[:2], part[2:].replace("&#124;", "|")))
    return Message(code, fixed, fields, sequence)


def read_frame(receive: bytes, buffer: bytearray) -> bytes | None:
    """Add received bytes to `buffer`; return one whole frame (through CR) if there is one."""
    buffer.extend(receive)
    end = buffer.find(CR)
    if end < 0:
        return None
    frame = bytes(buffer[: end + 1])
    del buffer[: end + 1]
    return frame
