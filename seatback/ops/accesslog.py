"""gunicorn's access log, made safe to read (issue 22).

- What the client sent is escaped: a URL with an encoded newline (`%0A`) or any other
  control character cannot write a second, forged line; bytes that are not printable
  appear as `\\xNN`.
- Seat codes never appear: `/s/{code}` and `/api/v1/seats/{code}/…` are logged with a
  short keyed digest of the code in its place (`/s/~3fa29c`), the same for the same seat,
  so lines about one seat can still be found together, but the code cannot be read back
  and used. The query string (a display's key) is never logged.
- With SEATBACK_LOG_FORMAT=json each request is one JSON object on one line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

from django.conf import settings
from gunicorn.glogging import Logger

TEXT_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# /s/{code}, /api/v1/seats/{code}[/…]: the code is the path segment after these.
_SEAT_PATH = re.compile(r"^(/s/|/api/v\d+/seats/)([^/]+)")


def code_digest(code: str) -> str:
    """Six hex digits naming a seat code in logs: keyed, so not reversible by guessing."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, code.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:6]


def escape(value: str) -> str:
    """Printable characters as they are; everything else (newlines, other controls, the
    raw bytes of a non-ASCII path) as \\xNN; quotes and backslashes escaped too."""
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return value  # nearly every line: nothing to escape
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and ord(char) < 0x7F:
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def loggable_path(path: str) -> str:
    """The request path with any seat code replaced by its digest, escaped."""
    path = _SEAT_PATH.sub(lambda match: f"{match.group(1)}~{code_digest(match.group(2))}", path)
    return escape(path)


class AccessLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = loggable_path(environ.get("PATH_INFO") or "")
        atoms["m"] = escape(environ.get("REQUEST_METHOD") or "")
        # The raw request line and the query carry codes and keys: never logged.
        atoms["r"] = f"{atoms['m']} {atoms['U']}"
        atoms["q"] = "-"
        for name in ("a", "f", "u"):
            atoms[name] = escape(str(atoms.get(name) or "-"))
        return atoms

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if settings.LOG_FORMAT != "json" or not self.access_log_enabled:
            super().access(resp, req, environ, request_time)
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": atoms["t"].strip("[]"),
            "client": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "ms": atoms["M"],
        }
        self.access_log.info(json.dumps(line, ensure_ascii=True))
