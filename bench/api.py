"""API latency beside the raw Cypher reads for the same data, measured in one run.

    python -m bench.api                     # S-scale data plus a 30-member-chain deal
    python -m bench.api --accounts 2000     # M

Figures: p50/p95/p99 of the GraphQL deal view (30-member chain) and of a page of 100 open deals with
their chains and scores, each beside the raw Cypher reads for the same data; database round trips of
each request; the same page with DataLoaders disabled (the N+1 baseline).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import httpx

from api.app import create_app
from bench.common import embedded, ensure_generated, summary_ms
from graph.access import create_token
from graph.queries import api as qapi
from graph.schema import Label
from graph.store import Store
from tests.conftest import LiveServer

DEAL_VIEW = """query($id: String!) { deal(id: $id) { ... on Deal {
  id name amount stage grade account { name office { name } } team { role employee { name } } competitors { name position }
  analysis { score winProbability shot { ready blockers { code } } risks { code severity people }
    members { stakeholderId name role influence closeness effectiveAttitude br contribution stance influencedBy { name share } }
    nextActions { name dimension gain } hiddenInfluencers { name share } } } } }"""

PAGE = """query($first: Int!) { deals(first: $first, filter: {status: open}) { nodes {
  id name amount stage grade account { name office { name } } team { role employee { name } } competitors { name }
  analysis { score winProbability shot { ready } risks { code } members { name role br contribution } } } } }"""


def _time(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def measure(server, db, repeat: int = 100) -> dict:
    """Needs the 30-member bench deal ``b-deal`` (``bench.scoring.measure_single`` writes it)."""
    store = Store(db)
    fig: dict = {}
    token = create_token(db, "bench-" + str(time.time_ns()), "admin")
    h = {"Authorization": f"Bearer {token}"}

    def raw_deal():
        store.get_props(Label.Deal, "b-deal")
        store.load_deal_chain("b-deal")

    search = dict(after=None, stage=None, grade=None, status="open", account=None, owner=None, office=None, industry=None,
                  min_score=None, max_score=None, updated_since=None, all=True, offices=[], industries=[])
    page_ids = [r["n"]["id"] for r in db.run_read(qapi.SEARCH_DEALS, limit=100, **search)]

    def raw_page():
        db.run_read(qapi.SEARCH_DEALS, limit=101, **search)
        store.load_deals(page_ids)
        db.run_read(qapi.TEAM_OF_DEALS, ids=page_ids)
        db.run_read(qapi.COMPETITORS_OF_DEALS, ids=page_ids)

    for loaders in (True, False):
        app = create_app(server.settings, db, dataloaders=loaders)
        with LiveServer(app) as base, httpx.Client(base_url=base, headers=h, timeout=120) as client:
            def view():
                r = client.post("/graphql", json={"query": DEAL_VIEW, "variables": {"id": "b-deal"}})
                assert r.status_code == 200 and "errors" not in r.json(), r.text[:500]

            def page():
                r = client.post("/graphql", json={"query": PAGE, "variables": {"first": 100}})
                assert r.status_code == 200 and len(r.json()["data"]["deals"]["nodes"]) == 100, r.text[:500]

            view()
            page()
            before = db.round_trips
            page()
            page_trips = db.round_trips - before
            if loaders:
                before = db.round_trips
                view()
                view_trips = db.round_trips - before
                before = db.round_trips
                raw_deal()
                raw_deal_trips = db.round_trips - before
                before = db.round_trips
                raw_page()
                raw_page_trips = db.round_trips - before
                # interleave the API and the raw reads so that both see the same machine load
                gv, rv, gp, rp = [], [], [], []
                for _ in range(repeat):
                    gv += _time(view, 1)
                    rv += _time(raw_deal, 1)
                for _ in range(max(10, repeat // 5)):
                    gp += _time(page, 1)
                    rp += _time(raw_page, 1)
                fig["deal_view_30_members"] = {
                    "graphql": summary_ms(gv), "raw_cypher": summary_ms(rv),
                    "ratio_p50": round(summary_ms(gv)["p50_ms"] / summary_ms(rv)["p50_ms"], 2),
                    "ratio_p95": round(summary_ms(gv)["p95_ms"] / summary_ms(rv)["p95_ms"], 2),
                    "round_trips_graphql": view_trips, "round_trips_raw": raw_deal_trips,
                }
                fig["page_100_deals"] = {
                    "graphql": summary_ms(gp), "raw_cypher": summary_ms(rp),
                    "ratio_p50": round(summary_ms(gp)["p50_ms"] / summary_ms(rp)["p50_ms"], 2),
                    "ratio_p95": round(summary_ms(gp)["p95_ms"] / summary_ms(rp)["p95_ms"], 2),
                    "round_trips_graphql": page_trips, "round_trips_raw": raw_page_trips,
                }
            else:
                nl = _time(page, max(5, repeat // 20))
                fig["page_100_deals"]["without_dataloaders"] = {
                    **summary_ms(nl), "round_trips": page_trips,
                    "ratio_p50_vs_dataloaders": round(summary_ms(nl)["p50_ms"] / fig["page_100_deals"]["graphql"]["p50_ms"], 2),
                }
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from bench.scoring import measure_single

    with embedded() as (server, db):
        store = Store(db)
        ensure_generated(store, args.accounts)
        measure_single(store, 5)
        fig = {"accounts": args.accounts, **measure(server, db, args.repeat)}
    print(json.dumps(fig, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(fig, indent=2))


if __name__ == "__main__":
    main()
