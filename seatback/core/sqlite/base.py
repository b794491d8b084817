"""Django's SQLite backend, converting each statement's placeholders once instead of at
every execution.

Django writes statements with `%s` placeholders and its SQLite cursor rewrites them to
`?` with a regular expression before every execution. On a scan (nine statements, most
of them the same few hand-written ones, core.sql) that rewriting was about 5 % of the
server's CPU (docs/benchmarks.md, issue 17). Here the rewritten text of the most recent
statements is kept; everything else is Django's backend unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=256)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)  # type: ignore[misc,no-any-return]


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)
