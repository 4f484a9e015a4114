"""Scoring benchmarks: one deal with a 30-member chain, and rescoring a whole portfolio.

    python -m bench.scoring --accounts 2900          # about 10,000 open deals
    python -m bench.scoring --accounts 100 --data-dir /tmp/kam-bench-S

Measured in one run, side by side:
- the pure computation for a 30-member chain (40 people, power-law influence), p50/p95/p99;
- the same deal read from the database and scored (``deal_report``) beside the read alone;
- portfolio rescoring (read, compute, write) beside the read-only floor (the same reads, no scoring).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import numpy as np

from api.service import deal_report, rescore_portfolio
from bench.common import embedded, ensure_generated, peak_rss_mb, summary_ms
from graph.schema import Label, Rel
from graph.store import Store
from kam.method import load_method
from kam.models import ChainMember, Deal, Stakeholder
from kam.subgraph import ChainEntry, DealSubgraph, InfluenceEdge, Tie
from scoring.deal import score_deal

TODAY = dt.date(2026, 12, 1)
ROLES = ["decision_maker", "technical_evaluator", "business_evaluator", "purchaser", "user", "coach", "influencer"]


def chain_30(rng: np.random.Generator, prefix: str = "b") -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """40 people, 30 of them in the chain, power-law influence, 1-3 ties per member."""
    people = [{"id": f"{prefix}-s{i:02d}", "name": f"人{i}", "account_id": f"{prefix}-acc"} for i in range(40)]
    members = [{"stakeholder_id": f"{prefix}-s{i:02d}", "deal_id": f"{prefix}-deal", "role": ROLES[i % 7],
                "influence": int(rng.integers(1, 6)), "solution_acceptance": int(rng.integers(-2, 3)),
                "price_acceptance": int(rng.integers(-2, 3)), "assessed_at": "2026-11-01"} for i in range(30)]
    zipf = 1 / np.arange(1, 41) ** 1.1
    zipf /= zipf.sum()
    edges = {}
    for _ in range(60):
        s, t = int(rng.choice(40, p=zipf)), int(rng.integers(40))
        if s != t:
            edges[(s, t)] = {"source_id": f"{prefix}-s{s:02d}", "target_id": f"{prefix}-s{t:02d}",
                             "strength": round(float(rng.uniform(0.1, 1)), 3)}
    ties = {}
    for i in range(30):
        for _ in range(int(rng.integers(1, 4))):
            e = f"{prefix}-e{int(rng.integers(5))}"
            ties[(e, i)] = {"employee_id": e, "stakeholder_id": f"{prefix}-s{i:02d}", "closeness": int(rng.integers(0, 5)),
                            "since": "2025-06-01"}
    return people, members, list(edges.values()), list(ties.values())


def in_memory(people, members, edges, ties) -> DealSubgraph:
    ps = {p["id"]: Stakeholder.model_validate(p) for p in people}
    return DealSubgraph(
        deal=Deal(id="b-deal", name="bench", account_id="b-acc", amount=2e6),
        members=[ChainEntry(ps[m["stakeholder_id"]], ChainMember.model_validate(m)) for m in members],
        ties=[Tie(t["employee_id"], t["stakeholder_id"], t["closeness"], since=dt.date(2025, 6, 1)) for t in ties],
        influences=[InfluenceEdge(e["source_id"], e["target_id"], e["strength"]) for e in edges],
        people=ps,
    )


def measure_single(store: Store, repeat: int) -> dict:
    """One 30-member deal: pure computation, the database read alone, and read plus scoring."""
    method = load_method()
    people, members, edges, ties = chain_30(np.random.default_rng(42))
    sg = in_memory(people, members, edges, ties)
    pure = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        score_deal(sg, method, TODAY)
        pure.append(time.perf_counter() - t0)
    store.upsert_nodes(Label.Account, [{"id": "b-acc", "name": "bench"}])
    store.upsert_nodes(Label.Stakeholder, people)
    store.upsert_nodes(Label.Employee, [{"id": f"b-e{i}", "name": f"员工{i}", "roles": ["sales"]} for i in range(5)])
    store.upsert_nodes(Label.Deal, [{"id": "b-deal", "name": "bench", "account_id": "b-acc", "amount": 2e6}])
    store.upsert_edges(Rel.IN_CHAIN, members)
    store.upsert_edges(Rel.INFLUENCES, edges)
    store.upsert_edges(Rel.KNOWS, ties)
    read, full = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        store.load_deal_chain("b-deal")
        t1 = time.perf_counter()
        deal_report(store, "b-deal", method, TODAY)
        t2 = time.perf_counter()
        read.append(t1 - t0)
        full.append(t2 - t1)
    out = {"compute_only": summary_ms(pure), "read_only": summary_ms(read), "read_and_score": summary_ms(full)}
    out["ratio_read_and_score_vs_read_p50"] = round(out["read_and_score"]["p50_ms"] / out["read_only"]["p50_ms"], 2)
    return out


def measure_portfolio(store: Store) -> dict:
    """Rescore every open deal beside the read-only floor (the same reads, no scoring)."""
    method = load_method()
    open_deals = store.count_open_deals()
    t0 = time.perf_counter()
    for ids in store.account_ids(200):
        store.load_open_deals(ids)
    floor = time.perf_counter() - t0
    run = rescore_portfolio(store, method, TODAY)
    return {
        "accounts": run.accounts, "open_deals": open_deals, "deals_scored": run.deals,
        "total_s": round(run.total_s, 2), "deals_per_s": round(run.deals / run.total_s),
        "read_s": round(run.read_s, 2), "compute_s": round(run.compute_s, 2), "write_s": round(run.write_s, 2),
        "read_share": round(run.read_s / run.total_s, 3), "compute_share": round(run.compute_s / run.total_s, 3),
        "read_only_floor_s": round(floor, 2), "ratio_total_vs_read_only_floor": round(run.total_s / floor, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=2900, help="accounts to generate (default 2900: ~10,000 open deals)")
    ap.add_argument("--repeat", type=int, default=300, help="repetitions of the single-deal timings")
    ap.add_argument("--data-dir", type=Path, help="keep the database here and reuse it on the next run")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    fig: dict = {}
    with embedded(args.data_dir) as (_server, db):
        store = Store(db)
        fig["single_deal_30_members"] = measure_single(store, args.repeat)
        fig["generate"] = ensure_generated(store, args.accounts)
        fig["portfolio"] = measure_portfolio(store)
        fig["python_peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(fig, indent=2, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(fig, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
