"""Django's PostgreSQL backend, with a health check that costs no round trip while the
connection is quiet.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first statement of every
request that reuses a connection: on a seat page, one round trip of two (issue 17). A
connection the server has closed (a restart, pg_terminate_backend, an idle timeout) has
something to read, the server's last message or the end of the stream, while an idle
open one has nothing. So an idle connection's socket is asked, without waiting, whether
it can be read, and only then (or when anything else looks amiss) is `SELECT 1` sent. A
connection lost without a word (a cable pulled) fails its first statement, as it would
have between Django's check and that statement, and Django closes it at the end of that
request.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        try:
            idle = (
                conn.pgconn.status == pq.ConnStatus.OK
                and conn.pgconn.transaction_status == pq.TransactionStatus.IDLE
            )
            if idle:
                quiet = select.poll()  # poll, not select: any descriptor number
                quiet.register(conn.pgconn.socket, select.POLLIN)
                if not quiet.poll(0):
                    return True
        except (OSError, ValueError, psycopg.Error):
            pass  # whatever it was, the server says
        return bool(super().is_usable())
