"""Import and export at scale: generate a data set, export it, import the export into an empty
database with `kam import` (a separate process, as users run it), and compare with writing 5,000
relationships one statement per row, in the same run.

    python -m bench.importer --scale M          # 2,000 accounts
    python -m bench.importer --scale L          # 10,000 accounts (about 200,000 stakeholders)

Prints and writes bench/results/import-<scale>.json: rows/s and relationships/s of the import, the
per-row baseline and the ratio, export time, and peak memory of the importer and of the database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench.common import embedded, ensure_generated, peak_rss_mb
from graph.exchange import FILES, export_data
from graph.queries import bench as qbench
from graph.schema import Label, Rel
from graph.store import Store
from seeds.generator import SCALES


def _peak_rss(proc: subprocess.Popen, out: dict) -> None:
    p = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, p.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.2)
    out["peak"] = peak


def _count_rows(folder: Path) -> tuple[int, int]:
    nodes = edges = 0
    for key, name in FILES.items():
        with open(folder / name, encoding="utf-8") as f:
            n = sum(1 for _ in f) - 1
        if isinstance(key, Label):
            nodes += n
        else:
            edges += n
    return nodes, edges


def measure(source: Store, workdir: Path) -> dict:
    """Export ``source``, then import the export into an empty database with `kam import`."""
    fig: dict = {}
    export_dir = workdir / "export"
    t0 = time.perf_counter()
    export_data(source, export_dir)
    fig["export_s"] = round(time.perf_counter() - t0, 1)
    nodes, edges = _count_rows(export_dir)
    fig["rows"] = {"nodes": nodes, "relationships_in_files": edges}
    with embedded(workdir / "target") as (server, db):
        store = Store(db)
        env = dict(os.environ, KAM_DATA_DIR=str(server.settings.data_dir), KAM_BOLT_PORT=str(server.settings.bolt_port),
                   KAM_HTTP_PORT=str(server.settings.http_port), KAM_DB="embedded")
        java = psutil.Process(server.running_pid())
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kam.cli", "import", str(export_dir)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        mem: dict = {}
        watcher = threading.Thread(target=_peak_rss, args=(proc, mem))
        watcher.start()
        _out, errors = proc.communicate()
        watcher.join()
        seconds = time.perf_counter() - t0
        if proc.returncode:
            raise SystemExit(f"import failed:\n{errors[-3000:]}")
        rels = db.run_read(qbench.COUNT_RELATIONSHIPS)[0]["n"]
        fig["import"] = {
            "seconds": round(seconds, 1),
            "rows_per_s": round((nodes + edges) / seconds),
            "relationships_written": rels,
            "relationships_per_s": round(rels / seconds),
            "importer_peak_rss_mb": round(mem.get("peak", 0) / 2**20),
            "database_rss_mb": round(java.memory_info().rss / 2**20),
        }
        # baseline in the same run: 5,000 KNOWS rows, one statement per row, against the batched path
        rows = []
        with open(export_dir / FILES[Rel.KNOWS], encoding="utf-8") as f:
            header = f.readline().strip().split(",")
            for line in f:
                cells = dict(zip(header, line.rstrip("\n").split(",")))
                rows.append({"employee_id": cells["employee_id"], "stakeholder_id": cells["stakeholder_id"],
                             "closeness": (int(cells["closeness"]) + 1) % 5})
                if len(rows) == 5000:
                    break
        t0 = time.perf_counter()
        store.upsert_edges(Rel.KNOWS, rows)
        batched = time.perf_counter() - t0
        for r in rows:
            r["closeness"] = (r["closeness"] + 1) % 5
        q = qbench.MERGE_ONE_TIE
        t0 = time.perf_counter()
        for r in rows:
            db.run_write(q, src=r["employee_id"], dst=r["stakeholder_id"], closeness=r["closeness"])
        single = time.perf_counter() - t0
        fig["baseline_5000_relationships"] = {
            "batched_per_s": round(len(rows) / batched),
            "one_statement_per_row_per_s": round(len(rows) / single),
            "ratio": round(single / batched, 1),
        }
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=list(SCALES), default="S")
    ap.add_argument("--data-dir", type=Path, help="keep the generated source database here and reuse it")
    ap.add_argument("--json", type=Path, help="where to write the figures (default bench/results/import-<scale>.json)")
    args = ap.parse_args()
    accounts = SCALES[args.scale]
    fig: dict = {"scale": args.scale, "accounts": accounts}
    with tempfile.TemporaryDirectory() as tmp, embedded(args.data_dir) as (_server, db):
        store = Store(db)
        fig["generate"] = ensure_generated(store, accounts)
        fig.update(measure(store, Path(tmp)))
    fig["bench_process_peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(fig, indent=2))
    target = args.json or Path(__file__).parent / "results" / f"import-{args.scale}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fig, indent=2))


if __name__ == "__main__":
    main()
