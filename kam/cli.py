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
score_app = typer.Typer(
    help="Score deals, accounts and employees, find warm paths, and rescore the whole portfolio.",
    no_args_is_help=True,
)
app.add_typer(score_app, name="score")
token_app = typer.Typer(help="Create, list and revoke API tokens (admin, manager, coach, bi).", no_args_is_help=True)
app.add_typer(token_app, name="token")
seed_app = typer.Typer(help="Load the demo data set, or generate a data set of any size.", no_args_is_help=True)
app.add_typer(seed_app, name="seed")


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


def _store():
    """Connect to the configured database (starting nothing) and return a Store."""
    from graph.db import connect
    from graph.store import Store

    settings = get_settings()
    try:
        return Store(connect(settings), settings.batch_size)
    except KamError as exc:
        _fail(exc)


def _method():
    from kam.method import default_method

    try:
        return default_method()
    except KamError as exc:
        _fail(exc)


LangOpt = typer.Option("en", "--lang", help="Labels in English (en) or Chinese (zh).")
TodayOpt = typer.Option(None, "--today", help="Score as of this day (YYYY-MM-DD); default today.")


def _today(value: str | None):
    import datetime as dt

    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(KamError(f"--today must be a date like 2026-12-31, got {value!r}"))


@score_app.command("deal")
def score_deal_cmd(
    deal_id: str = typer.Argument(..., help="The deal's id."),
    lang: str = LangOpt,
    today: str = TodayOpt,
    actions: int = typer.Option(5, help="How many next best actions to show."),
) -> None:
    """Score one deal: DS and win probability, each member's contribution, risks, shot readiness,
    next best actions and hidden influencers."""
    from api.service import deal_report
    from graph.schema import Label
    from kam.reports import print_deal_report

    store, method = _store(), _method()
    try:
        report = deal_report(store, deal_id, method, _today(today), actions=actions)
        deal = store.get(Label.Deal, deal_id)
    except KamError as exc:
        _fail(exc)
    print_deal_report(console, deal, report, method, lang)


@score_app.command("account")
def score_account_cmd(account_id: str = typer.Argument(..., help="The account's id."), today: str = TodayOpt) -> None:
    """Score an account's relationship graph: depth, coverage, concentration and dependency on one employee."""
    from api.service import account_report
    from kam.reports import print_account_report

    try:
        report = account_report(_store(), account_id, _method(), _today(today))
    except KamError as exc:
        _fail(exc)
    print_account_report(console, report)


@score_app.command("employee")
def score_employee_cmd(employee_id: str = typer.Argument(..., help="The employee's id."), today: str = TodayOpt) -> None:
    """An employee's influence: relationship capital, pipeline touched and share of each account's capital."""
    from api.service import employee_report
    from kam.reports import print_employee_report

    try:
        report = employee_report(_store(), employee_id, _method(), _today(today))
    except KamError as exc:
        _fail(exc)
    print_employee_report(console, report)


@score_app.command("paths")
def score_paths_cmd(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder to reach."),
    first: int = typer.Option(10, min=1, max=100, help="How many paths to show."),
    today: str = TodayOpt,
) -> None:
    """Warm paths to a stakeholder: our employee, whom they know, and who influences whom up to the target."""
    from api.service import warm_paths
    from kam.reports import print_warm_paths

    try:
        paths = warm_paths(_store(), stakeholder_id, _method(), _today(today), first)
    except KamError as exc:
        _fail(exc)
    print_warm_paths(console, stakeholder_id, paths)


@score_app.command("portfolio")
def score_portfolio_cmd(
    today: str = TodayOpt,
    chunk: int = typer.Option(200, min=1, max=5000, help="Accounts loaded per round."),
) -> None:
    """Rescore every open deal and store its latest score, win probability, shot readiness and risk codes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from api.service import rescore_portfolio

    store, method = _store(), _method()
    total = store.count_open_deals()
    with Progress(TextColumn("rescoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("deals", total=total)
        try:
            run = rescore_portfolio(store, method, _today(today), chunk=chunk, on_progress=lambda n: bar.advance(task, n))
        except KamError as exc:
            _fail(exc)
    rate = run.deals / run.total_s if run.total_s > 0 else 0.0
    console.print(
        f"rescored {run.deals:,} open deals of {run.accounts:,} accounts in {run.total_s:.1f} s ({rate:,.0f} deals/s): "
        f"reading {run.read_s:.1f} s, computing {run.compute_s:.1f} s, writing {run.write_s:.1f} s"
    )
    console.print(f"win probability: {run.calibration.message}")


@score_app.command("accounts")
def score_accounts_cmd(today: str = TodayOpt) -> None:
    """Score every account and keep the day's snapshot (run it daily or weekly: KPIs compare snapshots)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from api.process_service import snapshot_accounts
    from graph.schema import Label

    store, method = _store(), _method()
    with Progress(TextColumn("scoring accounts"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("accounts", total=store.count(Label.Account))
        try:
            n = snapshot_accounts(store, method, _today(today), lambda k: bar.advance(task, k))
        except KamError as exc:
            _fail(exc)
    console.print(f"stored the relationship score of {n:,} accounts")


@score_app.command("calibrate")
def score_calibrate_cmd() -> None:
    """Fit the win-probability curve on closed deals that carry a score, and report the Brier score."""
    from api.service import calibration

    cal = calibration(_store(), _method())
    brier = f"{cal.brier:.4f}" if cal.brier is not None else "-"
    console.print(f"{cal.message}: slope {cal.slope:.4f}, midpoint {cal.midpoint:.2f}, Brier score {brier}")


def _print_upsert(what: str, r, seconds: float) -> None:
    console.print(f"{what}: {r.created:,} created, {r.updated:,} updated, {r.unchanged:,} unchanged ({seconds:.1f} s)")


@seed_app.command("demo")
def seed_demo() -> None:
    """Load the demo company: offices, industries, named and key accounts with org charts, our people,
    deals at every stage and grade with decision chains that tell a story, activities and competitors.
    Loading it again the same day changes nothing."""
    from graph.schema import ensure_schema
    from seeds.demo import load_demo

    store = _store()
    ensure_schema(store.db)
    t0 = time.monotonic()
    try:
        r = load_demo(store)
    except KamError as exc:
        _fail(exc)
    _print_upsert("demo data", r, time.monotonic() - t0)


@seed_app.command("generate")
def seed_generate(
    accounts: int = typer.Option(100, min=1, max=1_000_000, help="Accounts to generate (S=100, M=2000, L=10000)."),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same data."),
    chunk: int = typer.Option(250, min=1, max=10_000, help="Accounts generated and loaded per round."),
) -> None:
    """Generate a realistic data set of any size (deterministic for a seed) and load it at full batch speed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from graph.schema import Label, ensure_schema
    from graph.store import UpsertResult
    from seeds.generator import generate, load_dataset

    store = _store()
    ensure_schema(store.db)
    total = UpsertResult()
    t0 = time.monotonic()
    with Progress(TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TextColumn("accounts"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("accounts", total=accounts)
        try:
            for ds in generate(accounts, seed=seed, chunk=chunk):
                total += load_dataset(store, ds)
                bar.advance(task, len(ds.nodes.get(Label.Account, [])))
        except KamError as exc:
            _fail(exc)
    _print_upsert(f"{accounts:,} accounts (seed {seed})", total, time.monotonic() - t0)


@token_app.command("create")
def token_create(
    name: str = typer.Option(..., "--name", help="A unique name for the token (who or what uses it)."),
    role: str = typer.Option(..., "--role", help="admin, manager, coach or bi."),
    office: list[str] = typer.Option(None, "--office", help="Manager: an office whose accounts they read (repeatable)."),
    industry: list[str] = typer.Option(None, "--industry", help="Manager: an industry whose accounts they read (repeatable)."),
    employee: str = typer.Option(None, "--employee", help="Manager: their employee id (they write where they are on a deal team)."),
) -> None:
    """Create a token. It is printed once and stored only as a hash: keep it now."""
    from graph.access import create_token
    from graph.schema import ensure_schema

    store = _store()
    ensure_schema(store.db)
    try:
        token = create_token(store.db, name, role, office or [], industry or [], employee)
    except KamError as exc:
        _fail(exc)
    console.print(f"token [bold]{name}[/] ({role}) created; it is shown only now:")
    print(token)


@token_app.command("revoke")
def token_revoke(name: str = typer.Argument(..., help="The token's name.")) -> None:
    """Revoke a token: it stops working at once."""
    from graph.access import revoke_token

    try:
        revoke_token(_store().db, name)
    except KamError as exc:
        _fail(exc)
    console.print(f"token {name} revoked")


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, scopes; never the tokens themselves)."""
    from graph.access import list_tokens

    table = Table()
    for col in ("name", "role", "offices", "industries", "employee", "created", "revoked"):
        table.add_column(col)
    for t in list_tokens(_store().db):
        table.add_row(t["name"], t["role"], ", ".join(t["offices"] or []), ", ".join(t["industries"] or []),
                      t["employee_id"] or "", t["created_at"] or "", t["revoked_at"] or "")
    console.print(table)


@app.command("import")
def import_cmd(
    path: str = typer.Argument(..., help="A folder of CSV files (accounts.csv, stakeholders.csv, ...) or one JSON document."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Write the good rows and list the bad ones, instead of writing nothing."),
) -> None:
    """Import CSV files or a JSON document of the graph: validate everything first, report every bad row
    as file, line, column and reason, then upsert by external id (a re-import changes nothing)."""
    from pathlib import Path

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from graph.exchange import ImportFailed, import_data
    from graph.schema import ensure_schema

    store = _store()
    ensure_schema(store.db)
    t0 = time.monotonic()
    with Progress(TextColumn("importing"), BarColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("rows", total=None)
        try:
            report = import_data(store, Path(path), skip_invalid=skip_invalid, on_rows=lambda n: bar.advance(task, n))
        except ImportFailed as exc:
            bar.stop()
            err.print(f"[bold red]import refused:[/] {exc}")
            raise typer.Exit(1)
        except KamError as exc:
            bar.stop()
            _fail(exc)
    table = Table(title=f"import of {path} ({time.monotonic() - t0:.1f} s)")
    for col in ("file", "created", "updated", "unchanged"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for file, r in report.results.items():
        table.add_row(file, f"{r.created:,}", f"{r.updated:,}", f"{r.unchanged:,}")
    t = report.total
    table.add_row("[bold]total[/]", f"{t.created:,}", f"{t.updated:,}", f"{t.unchanged:,}")
    console.print(table)
    if report.scores:
        console.print(f"restored {report.scores:,} deal scores")
    if report.skipped:
        console.print(f"[yellow]skipped {len(report.skipped)} invalid row(s):[/]")
        for p in report.skipped:
            console.print(f"  {p}")


@app.command("export")
def export_cmd(
    path: str = typer.Argument(..., help="A folder for the CSV files, or a file ending in .json."),
    fmt: str = typer.Option(None, "--format", help="csv or json (default: json when PATH ends in .json, else csv)."),
    account: list[str] = typer.Option(None, "--account", help="Export only these accounts and what hangs on them (repeatable)."),
) -> None:
    """Export the whole graph (or some accounts) as the CSV set or the JSON document that `kam import` reads:
    the backup format. Stored deal scores and change timestamps are included."""
    from pathlib import Path

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from graph.exchange import export_data

    fmt = fmt or ("json" if path.lower().endswith(".json") else "csv")
    store = _store()
    t0 = time.monotonic()
    with Progress(TextColumn("exporting"), BarColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("rows", total=None)
        try:
            report = export_data(store, Path(path), fmt=fmt, account_ids=account or None,
                                 on_rows=lambda n: bar.advance(task, n))
        except KamError as exc:
            bar.stop()
            _fail(exc)
    total = sum(report.counts.values())
    console.print(f"exported {total:,} rows and {report.scores:,} deal scores to {path} ({fmt}, {time.monotonic() - t0:.1f} s)")


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (default KAM_API_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port to listen on (default KAM_API_PORT, 8000)."),
    demo: bool = typer.Option(True, help="Load the demo data when the database holds no account yet."),
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
        if demo:
            from graph.schema import Label
            from graph.store import Store
            from seeds.demo import load_demo

            store = Store(db, settings.batch_size)
            if store.count(Label.Account) == 0:
                r = load_demo(store)
                console.print(f"empty database: loaded the demo data ({r.created:,} nodes and relationships)")
        from graph.access import create_token, list_tokens

        if not list_tokens(db):
            token = create_token(db, "admin", "admin")
            console.print("first start: created the admin token [bold]admin[/] (shown only now; "
                          "GraphiQL: add the header {\"Authorization\": \"Bearer <token>\"}):")
            console.print(token, soft_wrap=True, highlight=False)
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
