"""Driver lifecycle: one neo4j driver for the embedded ArcadeDB server and for Neo4j 5.

``GraphDB`` runs queries in managed transactions (retried on transient errors and on the
constraint races of concurrent MERGE), counts round trips (the API's DataLoader tests read the
counter) and knows which server it talks to (``backend``), the one place where the two differ.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError, ConstraintError, DatabaseError, ServiceUnavailable, SessionExpired, TransientError,
)

from kam.errors import ServerError
from kam.settings import Settings

__all__ = ["GraphDB", "Tx", "connect"]

T = TypeVar("T")
_RETRYABLE = (ConstraintError, TransientError, SessionExpired)


class Tx:
    """A transaction handle that returns plain dicts and counts round trips."""

    def __init__(self, tx: neo4j.ManagedTransaction, db: "GraphDB"):
        self._tx, self._db = tx, db

    def run(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """Rows as dicts. Queries return values, maps and lists (never graph entities), so the
        records are taken as they are, without ``Record.data()``'s recursive copy."""
        self._db._count()
        return [dict(r) for r in self._tx.run(query, params)]


class GraphDB:
    def __init__(self, driver: neo4j.Driver, database: str):
        self.driver = driver
        self.database = database
        self._lock = threading.Lock()
        self.round_trips = 0
        agent = driver.get_server_info().agent or ""
        self.backend = "arcadedb" if "ArcadeDB" in agent else "neo4j"
        self.server_agent = agent

    def _count(self) -> None:
        with self._lock:
            self.round_trips += 1

    def read_tx(self, fn: Callable[[Tx], T]) -> T:
        for attempt in range(3):
            try:
                with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
                    return s.execute_read(lambda tx: fn(Tx(tx, self)))
            except (ServiceUnavailable, SessionExpired) as exc:
                raise ServerError(f"lost the connection to the graph database: {exc}") from exc
            except DatabaseError as exc:
                raise ServerError(f"the graph database failed: {exc.message}") from exc
            except AuthError as exc:
                self._auth_retry(attempt, exc)
        raise AssertionError("unreachable")

    @staticmethod
    def _auth_retry(attempt: int, exc: AuthError) -> None:
        # ArcadeDB answers "credentials no longer valid" while it reloads its security files
        # (once, just after its first start) and while it shuts down: wait and retry, then give up.
        if attempt == 2:
            raise ServerError(f"the graph database refused the connection: {exc.message}") from exc
        time.sleep(0.5)

    def write_tx(self, fn: Callable[[Tx], T], attempts: int = 8) -> T:
        """Run ``fn`` in one write transaction: all of it is committed or none of it."""
        auth_failures = 0
        for attempt in range(attempts):
            try:
                with self.driver.session(database=self.database) as s:
                    return s.execute_write(lambda tx: fn(Tx(tx, self)))
            except ServiceUnavailable as exc:
                raise ServerError(f"lost the connection to the graph database: {exc}") from exc
            except DatabaseError as exc:
                # ArcadeDB reports two writers touching the same record as a database error: retry it.
                if "oncurrent" in (exc.message or "") and attempt < attempts - 1:
                    time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
                    continue
                # any other server-side failure (not a bad query): e.g. the server is shutting down
                raise ServerError(f"the graph database failed, the transaction was rolled back: {exc.message}") from exc
            except AuthError as exc:
                self._auth_retry(auth_failures, exc)
                auth_failures += 1
            except _RETRYABLE:
                # Two writers MERGEd the same new id at once: the loser retries and now matches.
                if attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
        raise AssertionError("unreachable")

    def stream(self, query: LiteralString, **params: Any) -> Iterator[dict[str, Any]]:
        """Rows of one read query as they arrive (the driver fetches in chunks): for exports of any size."""
        self._count()
        try:
            with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS,
                                     fetch_size=5000) as s:
                for r in s.run(query, params):
                    yield dict(r)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise ServerError(f"lost the connection to the graph database: {exc}") from exc

    def run_read(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        return self.read_tx(lambda tx: tx.run(query, **params))

    def run_write(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        return self.write_tx(lambda tx: tx.run(query, **params))

    def ping(self) -> bool:
        try:
            return self.run_read("RETURN 1 AS ok") == [{"ok": 1}]
        except (ServiceUnavailable, SessionExpired, OSError, neo4j.exceptions.Neo4jError):
            return False

    def close(self) -> None:
        self.driver.close()


def connect(settings: Settings, server=None) -> GraphDB:
    """Connect to the configured server: Neo4j when ``KAM_DB=neo4j``, else the embedded one
    (``server`` is the ``EmbeddedServer`` whose password and port to use)."""
    if settings.db == "neo4j":
        if not settings.neo4j_uri:
            raise ServerError("KAM_DB=neo4j needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)")
        uri, auth, database = settings.neo4j_uri, (settings.neo4j_user, settings.neo4j_password or ""), settings.neo4j_database
    else:
        if server is None:
            from graph.server import EmbeddedServer

            server = EmbeddedServer(settings)
        uri, auth, database = server.bolt_uri, (server.user, server.password()), settings.db_name
    driver = GraphDatabase.driver(uri, auth=auth, max_connection_pool_size=50, connection_acquisition_timeout=30,
                                  max_transaction_retry_time=5, connection_timeout=5)
    for attempt in range(3):  # a server that has just started may refuse the first handshake
        try:
            driver.verify_connectivity()
            return GraphDB(driver, database)
        except Exception as exc:
            if attempt < 2:
                time.sleep(0.5)
                continue
            driver.close()
            hint = " (start it with `kam db start`)" if settings.db == "embedded" else ""
            raise ServerError(f"cannot reach the graph database at {uri}{hint}: {exc}") from exc
    raise AssertionError("unreachable")
