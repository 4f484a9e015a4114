"""The FastAPI application. ``create_app`` wires settings and the graph database; nothing global."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from api.auth import require_principal
from api.graphql.context import Context, Loaders
from api.graphql.schema import build_schema
from api.permissions import check_graphql
from api.rest import router as rest_router
from api.service import MethodInForce
from graph.db import GraphDB, connect
from graph.schema import ensure_schema
from graph.store import Store
from kam import __version__
from kam.errors import Forbidden, InvalidInput, NotFound, ServerError
from kam.method import default_method
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
        except Exception as exc:  # noqa: BLE001 - any failure means unreachable
            log.warning("graph database unreachable: %s", exc)
            return False, None
        return db.ping(), db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = JSONResponse({"error": "payload_too_large", "message": f"request bodies are limited to {self.limit} bytes"}, 413)
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await too_big(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooBig()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooBig:
            await too_big(scope, receive, send)


class _TooBig(Exception):
    pass


def create_app(settings: Settings | None = None, db: GraphDB | None = None, *, dataloaders: bool = True) -> FastAPI:
    settings = settings or get_settings()
    database = Database(settings, db)
    method = default_method()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if db is None:  # close only what the app opened itself
            database.close()

    docs = settings.public_docs
    app = FastAPI(
        title="kam: key-account relationship manager",
        version=__version__,
        description=(
            "Decision chains, influence and relationship scores for committee-decided B2B deals. "
            "GraphQL for people at /graphql; flat JSON and CSV for BI tools under /api/v1. "
            "Every call needs `Authorization: Bearer <token>` (`kam token create`), except /api/v1/health."
        ),
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.method = method
    app.state.method_in_force = MethodInForce(method)
    app.state.store_factory = lambda: Store(database.get(), settings.batch_size)

    @app.exception_handler(ServerError)
    async def _db_down(request: Request, exc: ServerError):
        log.warning("database unavailable: %s", exc)
        return JSONResponse({"error": "database_unavailable", "message": "the graph database is not reachable; retry shortly"},
                            503, headers={"Retry-After": "5"})

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return JSONResponse({"error": "not_found", "message": str(exc)}, 404)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return JSONResponse({"error": "forbidden", "message": str(exc)}, 403)

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput):
        return JSONResponse({"error": "invalid_input", "message": str(exc),
                             "problems": [{"field": p.field, "message": p.message} for p in exc.problems]}, 422)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError):
        problems = [{"field": ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
                    for e in exc.errors()]
        return JSONResponse({"error": "invalid_input", "message": "; ".join(f"{p['field']}: {p['message']}" for p in problems),
                             "problems": problems}, 422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal", "message": "internal error; it has been logged"}, 500)

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

    async def context_getter(request: Request) -> Context:
        import asyncio

        if (docs and request.method == "GET" and "query" not in request.query_params
                and "text/html" in request.headers.get("accept", "")):
            # the GraphiQL page itself holds no data: a browser gets it without a token, and every
            # query it then sends carries the token entered in its headers pane
            return Context(principal=None, store=None, method=method, today=dt.date.today(), loaders=None,
                           settings=settings)
        try:
            principal = await asyncio.to_thread(require_principal, request)
            check_graphql(principal)
        except Forbidden as exc:
            raise HTTPException(403, str(exc)) from exc
        except ServerError as exc:
            raise HTTPException(503, "the graph database is not reachable; retry shortly") from exc
        store = app.state.store_factory()
        today = dt.date.today()
        m = await asyncio.to_thread(app.state.method_in_force.get, store)
        return Context(principal=principal, store=store, method=m, today=today,
                       loaders=Loaders(store, m, today, enabled=dataloaders), settings=settings)

    graphql = GraphQLRouter(build_schema(settings), context_getter=context_getter,
                            graphql_ide="graphiql" if docs else None)
    app.include_router(graphql, prefix="/graphql")
    app.include_router(rest_router)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
