"""One real embedded database server per test session; every test works on its own ids.

When NEO4J_URI is set, the graph contract tests run against that Neo4j too.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from graph.db import GraphDB, connect
from graph.schema import ensure_schema
from graph.server import EmbeddedServer
from graph.store import Store
from kam.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def embedded_settings(data_dir: Path, **kw) -> Settings:
    return Settings(
        db="embedded", data_dir=data_dir, bolt_port=free_port(), http_port=free_port(), db_heap="1g", **kw
    )


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory) -> EmbeddedServer:
    server = EmbeddedServer(embedded_settings(tmp_path_factory.mktemp("kam-data")))
    server.start(attached=True)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedded_db(embedded_server) -> GraphDB:
    db = connect(embedded_server.settings, embedded_server)
    ensure_schema(db)
    yield db
    db.close()


@pytest.fixture(scope="session")
def neo4j_db() -> GraphDB | None:
    if not os.environ.get("NEO4J_URI"):
        yield None
        return
    db = connect(Settings(db="neo4j"))
    ensure_schema(db)
    yield db
    db.close()


BACKENDS = ["embedded"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])


@pytest.fixture(params=BACKENDS)
def db(request) -> GraphDB:
    """The graph database: the embedded server always, and Neo4j when NEO4J_URI is set."""
    return request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
def store(db) -> Store:
    return Store(db, batch_size=500)


@pytest.fixture
def uid() -> str:
    """A prefix that makes this test's ids its own."""
    return "t" + uuid.uuid4().hex[:10] + "-"


@pytest.fixture
def fresh_store(embedded_server, uid):
    """A store on a new, empty database of the session's server (for restores into an empty graph)."""
    from graph.store import Store

    name = "db_" + uid.strip("-").replace("-", "_")
    embedded_server.ensure_database(name)
    settings = embedded_server.settings.model_copy(update={"db_name": name})
    db = connect(settings, embedded_server)
    ensure_schema(db)
    yield Store(db, batch_size=500)
    db.close()


class LiveServer:
    """The real app on a real port (uvicorn in a thread)."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
