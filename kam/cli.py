"""The ``kam`` command line: manage the embedded database and serve the API.

The CLI is the product's composition root: it imports the graph and api layers lazily, inside the
commands that need them, so ``kam --help`` stays instant.
"""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from kam.errors import KamError
from kam.settings import get_settings

console = Console()
err = Console(stderr=True)

app = typer.Typer(
    help=(
        "kam, the key-account relationship manager: decision chains, influence and relationship "
        "scores for committee-decided B2B deals. Configuration comes from KAM_* environment variables "
        "(see the README)."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(
    help="Manage the embedded graph database server (ArcadeDB, Bolt on 127.0.0.1). Not used when KAM_DB=neo4j.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


def _fail(exc: Exception) -> None:
    err.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(1)


def _embedded():
    from graph.server import EmbeddedServer

    settings = get_settings()
    if settings.db != "embedded":
        _fail(KamError("KAM_DB is 'neo4j': there is no embedded server to manage"))
    return EmbeddedServer(settings)


@db_app.command("start")
def db_start() -> None:
    """Start the embedded server in the background (if it is not running), create the database and its schema."""
    from graph.db import connect
    from graph.schema import ensure_schema

    server = _embedded()
    try:
        st = server.start(attached=False)
        db = connect(server.settings, server)
        ensure_schema(db)
        db.close()
    except KamError as exc:
        _fail(exc)
    verb = "started" if st.started_now else "already running"
    console.print(f"database server {verb}: pid {st.pid}, {st.bolt_uri}, data in {st.data_dir} ({st.seconds:.1f} s)")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server and wait until its process is gone."""
    server = _embedded()
    t0 = time.monotonic()
    if server.stop():
        console.print(f"database server stopped ({time.monotonic() - t0:.1f} s)")
    else:
        console.print("database server was not running")


@db_app.command("status")
def db_status() -> None:
    """Show whether the embedded server runs, where, and how much data it holds. Exits 1 when it is down."""
    from graph.db import connect
    from graph.schema import EDGE_SPECS, Label
    from graph.store import Store

    server = _embedded()
    st = server.status()
    table = Table(show_header=False)
    table.add_row("running", "yes" if st.running else "no")
    table.add_row("pid", str(st.pid or "-"))
    table.add_row("bolt", st.bolt_uri)
    table.add_row("data", str(st.data_dir))
    if st.running:
        try:
            db = connect(server.settings, server)
            store = Store(db)
            table.add_row("server", db.server_agent)
            for label in Label:
                table.add_row(label.value, f"{store.count(label):,}")
            for rel in EDGE_SPECS:
                table.add_row(rel.value, f"{store.count_edges(rel):,}")
            db.close()
        except KamError as exc:
            table.add_row("reachable", f"no: {exc}")
    console.print(table)
    if not st.running:
        raise typer.Exit(1)


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (default KAM_API_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port to listen on (default KAM_API_PORT, 8000)."),
) -> None:
    """Serve the API (GraphQL at /graphql, REST at /api/v1, docs at /docs).

    With KAM_DB=embedded (the default) it starts the embedded database first, unless it already
    runs, and stops it again on exit if it started it.
    """
    import uvicorn

    from api.app import create_app
    from graph.db import connect
    from graph.schema import ensure_schema

    settings = get_settings()
    server, started = None, False
    try:
        if settings.db == "embedded":
            server = _embedded()
            st = server.start(attached=True)
            started = st.started_now
            console.print(f"database: {st.bolt_uri} (pid {st.pid}, {'started' if started else 'already running'} in {st.seconds:.1f} s)")
        db = connect(settings, server)
        ensure_schema(db)
        fastapi_app = create_app(settings, db)
        console.print(f"serving on http://{host or settings.api_host}:{port or settings.api_port} (health: /api/v1/health)")
        uvicorn.run(fastapi_app, host=host or settings.api_host, port=port or settings.api_port, log_level="info")
        db.close()
    except KamError as exc:
        _fail(exc)
    finally:
        if server is not None and started:
            server.stop()
            console.print("database server stopped")


if __name__ == "__main__":  # pragma: no cover
    app()
