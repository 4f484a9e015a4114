"""The benchmark runner: every figure of the product at one scale, in one run.

    make bench SCALE=M          # or: .venv/bin/python -m bench.run --scale M

Generates the data set once (kept in bench/.data/<scale> and reused), then measures, each beside its
baseline in the same run: import (against one statement per row), the deal view and a page of 100
deals (against the raw Cypher reads, and the page without DataLoaders), portfolio rescoring (against
the read-only floor), propagation (solve against iteration), load (10 and 50 clients against one),
and memory. Prints a table and writes bench/results/<scale>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench import api as bench_api
from bench import importer, load, propagation
from bench.common import embedded, ensure_generated, peak_rss_mb
from bench.scoring import measure_portfolio, measure_single
from graph.store import Store
from seeds.generator import SCALES

ROOT = Path(__file__).resolve().parent


def _rescoring_rss(settings) -> dict:
    """Peak memory of `kam score portfolio` as users run it (a separate process)."""
    env = dict(os.environ, KAM_DATA_DIR=str(settings.data_dir), KAM_BOLT_PORT=str(settings.bolt_port),
               KAM_HTTP_PORT=str(settings.http_port), KAM_DB="embedded")
    proc = subprocess.Popen([sys.executable, "-m", "kam.cli", "score", "portfolio"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = {}
    w = threading.Thread(target=importer._peak_rss, args=(proc, mem))
    w.start()
    out, err = proc.communicate()
    w.join()
    if proc.returncode:
        raise SystemExit(f"kam score portfolio failed:\n{err[-2000:]}")
    return {"peak_rss_mb": round(mem.get("peak", 0) / 2**20), "output": out.strip().splitlines()[-2]}


def machine() -> dict:
    return {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=list(SCALES), default="S")
    ap.add_argument("--repeat", type=int, default=100, help="repetitions of the latency measurements")
    ap.add_argument("--requests", type=int, default=600, help="requests per load level")
    ap.add_argument("--skip", action="append", default=[], choices=["import", "api", "load", "propagation"],
                    help="leave a part out (repeatable)")
    args = ap.parse_args()
    accounts = SCALES[args.scale]
    started = time.perf_counter()
    fig: dict = {"scale": args.scale, "accounts": accounts, "date": dt.date.today().isoformat(), "machine": machine()}
    data_dir = ROOT / ".data" / args.scale
    data_dir.mkdir(parents=True, exist_ok=True)
    with embedded(data_dir) as (server, db):
        store = Store(db)
        fig["generate"] = ensure_generated(store, accounts)
        print(f"[{time.perf_counter() - started:6.0f} s] data ready", flush=True)
        fig["scoring_single_deal_30_members"] = measure_single(store, args.repeat)
        fig["portfolio_rescoring"] = measure_portfolio(store)
        fig["portfolio_rescoring"]["process"] = _rescoring_rss(server.settings)
        print(f"[{time.perf_counter() - started:6.0f} s] scoring done", flush=True)
        if "api" not in args.skip:
            fig["api"] = bench_api.measure(server, db, args.repeat)
            print(f"[{time.perf_counter() - started:6.0f} s] api done", flush=True)
        if "load" not in args.skip:
            fig["load"] = load.measure(server.settings, args.requests)
            print(f"[{time.perf_counter() - started:6.0f} s] load done", flush=True)
        if "import" not in args.skip:
            with tempfile.TemporaryDirectory() as tmp:
                fig["import"] = importer.measure(store, Path(tmp))
            print(f"[{time.perf_counter() - started:6.0f} s] import done", flush=True)
    if "propagation" not in args.skip:
        fig["propagation"] = propagation.measure()
    fig["runner_peak_rss_mb"] = peak_rss_mb()
    fig["seconds"] = round(time.perf_counter() - started)
    out = ROOT / "results" / f"{args.scale}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(fig, indent=2, ensure_ascii=False))
    print(table(fig))
    print(f"written to {out.relative_to(ROOT.parent)}")


def table(f: dict) -> str:
    """The README's Performance table for one scale."""
    rows = []
    s = f["scoring_single_deal_30_members"]
    rows.append(("score one deal, 30 members (compute only)", f"p50 {s['compute_only']['p50_ms']} ms", ""))
    rows.append(("deal report from the database", f"p50 {s['read_and_score']['p50_ms']} ms",
                 f"{s['ratio_read_and_score_vs_read_p50']}× the read alone"))
    p = f["portfolio_rescoring"]
    rows.append(("portfolio rescoring", f"{p['deals_per_s']:,} deals/s ({p['deals_scored']:,} deals, {p['total_s']} s)",
                 f"{p['ratio_total_vs_read_only_floor']}× the read-only floor; read {p['read_share']:.0%}, compute {p['compute_share']:.0%}"))
    rows.append(("rescoring process peak memory", f"{p['process']['peak_rss_mb']} MB", ""))
    if "api" in f:
        a = f["api"]
        v, pg = a["deal_view_30_members"], a["page_100_deals"]
        rows.append(("GraphQL deal view, 30 members", f"p50 {v['graphql']['p50_ms']} / p95 {v['graphql']['p95_ms']} / p99 {v['graphql']['p99_ms']} ms",
                     f"{v['ratio_p50']}× raw Cypher p50 ({v['raw_cypher']['p50_ms']} ms); {v['round_trips_graphql']} round trips"))
        rows.append(("GraphQL page of 100 deals", f"p50 {pg['graphql']['p50_ms']} / p95 {pg['graphql']['p95_ms']} ms",
                     f"{pg['ratio_p50']}× raw Cypher p50; {pg['round_trips_graphql']} round trips; "
                     f"without DataLoaders {pg['without_dataloaders']['round_trips']} round trips, "
                     f"{pg['without_dataloaders']['ratio_p50_vs_dataloaders']}× slower"))
    if "load" in f:
        for k in ("clients_10", "clients_50"):
            ld = f["load"][k]
            rows.append((f"load, {ld['clients']} clients", f"{ld['throughput_rps']} req/s, p95 {ld['p95_ms']} / p99 {ld['p99_ms']} ms",
                         f"{ld['errors']} errors; p95 {ld['ratio_p95_vs_single_client']}× one client"))
        rows.append(("API process peak memory under load", f"{f['load']['api_peak_rss_mb']} MB", ""))
    if "import" in f:
        i = f["import"]
        rows.append(("import (kam import of an export)", f"{i['import']['relationships_per_s']:,} relationships/s",
                     f"batched {i['baseline_5000_relationships']['ratio']}× one statement per row; "
                     f"{i['import']['seconds']} s; importer peak {i['import']['importer_peak_rss_mb']} MB"))
        rows.append(("export", f"{i['export_s']} s", f"{i['rows']['nodes']:,} nodes, {i['rows']['relationships_in_files']:,} relationships in files"))
    if "propagation" in f:
        for n, v in f["propagation"].items():
            rows.append((f"propagation, {int(n):,} people", f"solve {v['solve_ms']} ms, iterate {v['iterate_ms']} ms",
                         f"with 30 explanation rows: iteration {v['with_30_explanation_rows']['speed_ratio_iterate_vs_solve']}× the solve"))
    lines = [f"| measure ({f['scale']}: {f['accounts']:,} accounts) | figure | beside its baseline |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
