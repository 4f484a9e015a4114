"""Shared helpers for the benchmarks: a private embedded server, generated data, percentiles."""

from __future__ import annotations

import contextlib
import resource
import socket
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.db import GraphDB, connect
from graph.schema import Label, ensure_schema
from graph.server import EmbeddedServer
from graph.store import Store
from kam.settings import Settings
from seeds.generator import generate, load_dataset


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(len(xs) - 1, int(k) + 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary_ms(xs: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(xs, 50) * 1000, 3),
        "p95_ms": round(pct(xs, 95) * 1000, 3),
        "p99_ms": round(pct(xs, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(xs) * 1000, 3),
        "n": len(xs),
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextlib.contextmanager
def embedded(data_dir: Path | None = None, heap: str = "4g") -> Iterator[tuple[EmbeddedServer, GraphDB]]:
    """A private embedded server (in ``data_dir`` to keep its data between runs, else a temporary one)."""
    with contextlib.ExitStack() as stack:
        root = data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        settings = Settings(data_dir=root, bolt_port=free_port(), http_port=free_port(), db_heap=heap)
        server = EmbeddedServer(settings)
        server.start(attached=True)
        stack.callback(server.stop)
        db = connect(settings, server)
        stack.callback(db.close)
        ensure_schema(db)
        yield server, db


def ensure_generated(store: Store, accounts: int, seed: int = 1) -> dict[str, float]:
    """Generate and load ``accounts`` accounts unless the database already holds them; the load's figures."""
    have = store.count(Label.Account)
    if have >= accounts:
        return {"reused": True, "accounts": have}
    rows = 0
    t0 = time.perf_counter()
    with Progress(TextColumn("loading {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task(f"{accounts:,} accounts", total=accounts)
        for i, ds in enumerate(generate(accounts, seed=seed, chunk=250)):
            n, e = ds.count()
            rows += n + e
            load_dataset(store, ds)
            if i:
                bar.advance(task, len(ds.nodes.get(Label.Account, [])))
    return {"reused": False, "accounts": accounts, "rows": rows, "seconds": round(time.perf_counter() - t0, 1)}
