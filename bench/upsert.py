"""Upsert throughput: N stakeholders in batches through the store, against one statement per row.

    python -m bench.upsert --rows 100000

Starts its own embedded server in a temporary directory (nothing of yours is touched), measures
batched upserts (new rows, then the same rows again, which change nothing) and, in the same run, a
baseline that writes a sample one row per call (each call validates, checks references
and writes: three round trips). Prints rows/s, the ratio, batch latency
percentiles and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import statistics
import tempfile
import time
from pathlib import Path

import psutil

from graph.db import connect
from graph.schema import Label, ensure_schema
from graph.server import EmbeddedServer
from graph.store import Store
from kam.settings import Settings


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000, help="stakeholders to upsert (default 100000)")
    ap.add_argument("--batch", type=int, default=2000, help="rows per batch (default 2000)")
    ap.add_argument("--baseline-rows", type=int, default=2000, help="rows written one statement each (default 2000)")
    ap.add_argument("--accounts", type=int, default=500, help="accounts the stakeholders work at (default 500)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), bolt_port=_port(), http_port=_port(), db_heap="4g")
        server = EmbeddedServer(settings)
        t0 = time.perf_counter()
        st = server.start(attached=True)
        cold_start = time.perf_counter() - t0
        java = psutil.Process(st.pid)
        try:
            db = connect(settings, server)
            ensure_schema(db)
            store = Store(db, batch_size=args.batch)
            store.upsert_nodes(Label.Account, [{"id": f"a{i}", "name": f"客户{i}"} for i in range(args.accounts)])
            rows = [
                {"id": f"s{i}", "name": f"关键人{i}", "title": "处长", "level": ("executive", "management", "staff")[i % 3],
                 "account_id": f"a{i % args.accounts}"}
                for i in range(args.rows)
            ]
            lat: list[float] = []
            last = [time.perf_counter()]

            def tick(_n: int) -> None:
                now = time.perf_counter()
                lat.append(now - last[0])
                last[0] = now

            t0 = time.perf_counter()
            last[0] = t0
            res = store.upsert_nodes(Label.Stakeholder, rows, on_batch=tick)
            batched = time.perf_counter() - t0
            assert res.created == args.rows, res

            t0 = time.perf_counter()
            again = store.upsert_nodes(Label.Stakeholder, rows)
            rerun = time.perf_counter() - t0
            assert again.unchanged == args.rows, again

            base_rows = [dict(r, id="b" + r["id"]) for r in rows[: args.baseline_rows]]
            t0 = time.perf_counter()
            for r in base_rows:
                store.upsert_nodes(Label.Stakeholder, [r])
            baseline = time.perf_counter() - t0

            fig = {
                "rows": args.rows,
                "batch": args.batch,
                "cold_start_s": round(cold_start, 2),
                "batched_rows_per_s": round(args.rows / batched),
                "rerun_unchanged_rows_per_s": round(args.rows / rerun),
                "one_row_per_statement_rows_per_s": round(args.baseline_rows / baseline),
                "ratio_batched_vs_per_row": round((args.rows / batched) / (args.baseline_rows / baseline), 1),
                "batch_latency_p50_s": round(statistics.median(lat), 3),
                "batch_latency_p95_s": round(_pct(lat, 95), 3),
                "batch_latency_p99_s": round(_pct(lat, 99), 3),
                "python_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "database_rss_mb": round(java.memory_info().rss / 2**20),
            }
            db.close()
        finally:
            server.stop()
    width = max(map(len, fig))
    for k, v in fig.items():
        print(f"{k:<{width}}  {v:,}" if isinstance(v, int) else f"{k:<{width}}  {v}")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2))


if __name__ == "__main__":
    main()
