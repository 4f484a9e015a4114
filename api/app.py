"""The FastAPI application. ``create_app`` wires settings and the graph database; nothing global."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from graph.db import GraphDB, connect
from graph.schema import ensure_schema
from kam import __version__
from kam.errors import KamError, ServerError
from kam.settings import Settings, get_settings

log = logging.getLogger("kam.api")


class Database:
    """The app's handle on the graph database: connects lazily and reconnects after an outage."""

    def __init__(self, settings: Settings, db: GraphDB | None = None):
        self.settings = settings
        self._db = db
        self._lock = threading.Lock()
        self._schema_done = db is not None

    def get(self) -> GraphDB:
        with self._lock:
            if self._db is None:
                self._db = connect(self.settings)
            if not self._schema_done:
                ensure_schema(self._db)
                self._schema_done = True
            return self._db

    def reachable(self) -> tuple[bool, GraphDB | None]:
        try:
            db = self.get()
        except (KamError, OSError, Exception) as exc:  # noqa: BLE001 - any failure means unreachable
            log.warning("graph database unreachable: %s", exc)
            return False, None
        return db.ping(), db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def create_app(settings: Settings | None = None, db: GraphDB | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = Database(settings, db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if db is None:  # close only what the app opened itself
            database.close()

    app = FastAPI(
        title="kam: key-account relationship manager",
        version=__version__,
        description="Decision chains, influence and relationship scores for committee-decided B2B deals.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database

    @app.exception_handler(ServerError)
    async def _db_down(request: Request, exc: ServerError):
        return JSONResponse({"error": "database_unavailable", "message": "the graph database is not reachable"}, 503)

    @app.get("/api/v1/health", tags=["health"], summary="Liveness and database reachability (no authentication).")
    def health():
        ok, gdb = database.reachable()
        body = {
            "status": "ok" if ok else "degraded",
            "version": __version__,
            "database": {
                "reachable": ok,
                "kind": settings.db,
                "backend": gdb.backend if gdb else None,
                "server": gdb.server_agent if gdb else None,
            },
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    return app
