"""Load: concurrent clients against `kam serve` (a separate process), mixing deal views, deal lists
and assessment mutations, for a fixed number of requests.

    python -m bench.load --data-dir bench/.data/S        # a data directory made by bench.run (or any)

Prints throughput, p50/p95/p99, the error count (it must be 0), the ratio of p95 under load to the
p95 of a single client measured in the same run, and the API process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

from bench.common import free_port, summary_ms
from graph.access import create_token
from graph.db import connect
from graph.queries import api as qapi
from graph.server import EmbeddedServer
from kam.settings import Settings

VIEW = """query($id: String!) { deal(id: $id) { ... on Deal { id name stage account { name }
  analysis { score winProbability shot { ready } risks { code } members { name br contribution stance } nextActions { name gain } } } } }"""
LIST = """query($stage: DealStage) { deals(first: 50, filter: {status: open, stage: $stage}) { nodes { id name amount storedScore account { name } } } }"""
ASSESS = """mutation($i: ChainMemberInput!) { setChainMember(input: $i) { __typename } }"""
STAGES = ["verify", "initiate", "needs_analysis", "value_presentation", "tender_preparation", "bidding", "negotiation"]


class Watcher(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.proc, self.peak, self.stop = psutil.Process(pid), 0, False

    def run(self) -> None:
        while not self.stop:
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.1)


def run_load(base: str, token: str, deals: list[str], members: list[dict], clients: int, requests: int,
             seed: int = 1) -> dict:
    rng = random.Random(seed)
    plan = []
    for _ in range(requests):
        r = rng.random()
        if r < 0.6:
            plan.append(("view", {"id": rng.choice(deals)}))
        elif r < 0.85:
            plan.append(("list", {"stage": rng.choice(STAGES)}))
        else:
            m = dict(rng.choice(members))
            m["solutionAcceptance"] = rng.randint(-2, 2)
            plan.append(("assess", {"i": m}))
    queries = {"view": VIEW, "list": LIST, "assess": ASSESS}
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def one(item):
        kind, variables = item
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        t0 = time.perf_counter()
        try:
            r = client.post("/graphql", json={"query": queries[kind], "variables": variables})
            ok = r.status_code == 200 and "errors" not in r.json()
            err = None if ok else f"{kind}: {r.status_code} {r.text[:200]}"
        except httpx.HTTPError as exc:
            err = f"{kind}: {exc}"
        dt_ = time.perf_counter() - t0
        with lock:
            lat.append(dt_)
            if err:
                errors.append(err)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, plan))
    wall = time.perf_counter() - t0
    return {"clients": clients, "requests": requests, "seconds": round(wall, 2),
            "throughput_rps": round(requests / wall, 1), **summary_ms(lat), "errors": len(errors),
            "first_errors": errors[:3]}


def measure(settings: Settings, requests: int = 600, levels=(10, 50)) -> dict:
    """Against the embedded server of ``settings`` (already running): `kam serve` joins it."""
    server = EmbeddedServer(settings)
    api_port = free_port()
    env = dict(os.environ, KAM_DATA_DIR=str(settings.data_dir), KAM_BOLT_PORT=str(settings.bolt_port),
               KAM_HTTP_PORT=str(settings.http_port), KAM_DB="embedded")
    proc = None
    try:
        db = connect(settings, server)
        token = create_token(db, f"load-{time.time_ns()}", "admin")
        deals = [r["n"]["id"] for r in db.run_read(
            qapi.SEARCH_DEALS, after=None, stage=None, grade=None, status="open", account=None, owner=None, office=None,
            industry=None, min_score=None, max_score=None, updated_since=None, limit=2000, all=True, offices=[],
            industries=[])]
        members = [{"stakeholderId": r["stakeholder_id"], "dealId": r["deal_id"], "role": r["m"]["role"],
                    "influence": r["m"].get("influence", 3), "priceAcceptance": r["m"].get("price_acceptance", 0)}
                   for r in db.run_read(qapi.EXPORT_CHAIN_MEMBERS, after=None, updated_since=None, limit=2000, all=True,
                                        offices=[], industries=[])]
        db.close()
        proc = subprocess.Popen([sys.executable, "-m", "kam.cli", "serve", "--no-demo", "--port", str(api_port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{api_port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/api/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        watcher = Watcher(proc.pid)
        watcher.start()
        run_load(base, token, deals, members, 4, 40)  # warm-up
        single = run_load(base, token, deals, members, 1, max(60, requests // 6), seed=2)
        out = {"single_client": single}
        for n in levels:
            r = run_load(base, token, deals, members, n, requests, seed=3 + n)
            r["ratio_p95_vs_single_client"] = round(r["p95_ms"] / single["p95_ms"], 2)
            out[f"clients_{n}"] = r
        watcher.stop = True
        out["api_peak_rss_mb"] = round(watcher.peak / 2**20)
        return out
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True, help="a data directory with a loaded database")
    ap.add_argument("--requests", type=int, default=600, help="requests per concurrency level (default 600)")
    args = ap.parse_args()
    from bench.common import embedded

    with embedded(args.data_dir) as (server, _db):
        print(json.dumps(measure(server.settings, args.requests), indent=2))


if __name__ == "__main__":
    main()
