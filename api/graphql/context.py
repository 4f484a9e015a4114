"""Per-request context: the caller, the store, the method, and fresh DataLoaders.

Every relation is loaded through a DataLoader whose batch function runs one ``UNWIND $ids`` query
(in a worker thread: the driver is synchronous) and returns results in key order, so a page of 100
deals with their chains and scores is a constant handful of round trips.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from graph.access import Principal, notes_of_deals
from graph.queries import api as qapi
from graph.schema import Label
from graph.store import Store
from kam.method import Method
from kam.models import NODE_MODELS
from scoring.account import score_account
from scoring.batch import score_account_deals

__all__ = ["Context", "Loaders"]


def _grouped(store: Store, query, ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in store.db.run_read(query, ids=ids):
        out[r["key"]].append(r)
    return out


class Loaders:
    """Fresh per request; ``enabled=False`` turns batching off (one query per key: the N+1 baseline)."""

    def __init__(self, store: Store, method: Method, today: dt.date, enabled: bool = True):
        self.store, self.method, self.today = store, method, today

        def make(fn: Callable[[list[str]], list[Any]]) -> DataLoader:
            async def load(keys: list[str]) -> list[Any]:
                if enabled:
                    return await asyncio.to_thread(fn, list(keys))
                out = []
                for k in keys:
                    out.extend(await asyncio.to_thread(fn, [k]))
                return out

            return DataLoader(load_fn=load, cache=True)

        self.node: dict[str, DataLoader] = {label.value: make(self._nodes(label)) for label in Label}
        self.stakeholders_of_account = make(self._children(qapi.STAKEHOLDERS_OF_ACCOUNTS, "Stakeholder"))
        self.org_units_of_account = make(self._children(qapi.ORG_UNITS_OF_ACCOUNTS, "OrgUnit"))
        self.deals_of_account = make(self._raw_children(qapi.DEALS_OF_ACCOUNTS))
        self.ties_of_account = make(self._raw_children(qapi.TIES_TO_ACCOUNTS))
        self.team_of_deal = make(self._raw_children(qapi.TEAM_OF_DEALS))
        self.competitors_of_deal = make(self._raw_children(qapi.COMPETITORS_OF_DEALS))
        self.analysis = make(self._analysis)
        self.account_score = make(self._account_scores)
        self.notes = make(lambda ids: [notes_of_deals(store.db, ids)[i] for i in ids])
        self.deal_props = make(self._deal_props)

    def _nodes(self, label: Label) -> Callable[[list[str]], list[Any]]:
        model = NODE_MODELS[label.value]

        def fn(ids: list[str]) -> list[Any]:
            from graph.queries import builders as qb

            rows = {r["n"]["id"]: r["n"] for r in self.store.db.run_read(qb.get_nodes(label), ids=ids)}
            return [model.from_props(rows[i]) if i in rows else None for i in ids]

        return fn

    def _children(self, query, label: str) -> Callable[[list[str]], list[Any]]:
        model = NODE_MODELS[label]

        def fn(ids: list[str]) -> list[Any]:
            grouped = _grouped(self.store, query, ids)
            return [sorted((model.from_props(r["n"]) for r in grouped.get(i, [])), key=lambda m: m.id) for i in ids]

        return fn

    def _raw_children(self, query) -> Callable[[list[str]], list[Any]]:
        def fn(ids: list[str]) -> list[Any]:
            grouped = _grouped(self.store, query, ids)
            return [grouped.get(i, []) for i in ids]

        return fn

    def _deal_props(self, ids: list[str]) -> list[Any]:
        from graph.queries import builders as qb

        rows = {r["n"]["id"]: r["n"] for r in self.store.db.run_read(qb.get_nodes(Label.Deal), ids=ids)}
        return [rows.get(i) for i in ids]

    def _account_scores(self, ids: list[str]) -> list[Any]:
        """Account relationship scores for a batch of accounts: two queries for the whole batch."""
        graphs = self.store.load_account_graphs(ids)
        return [score_account(graphs[i], self.method, self.today) if i in graphs else None for i in ids]

    def _analysis(self, ids: list[str]) -> list[Any]:
        """Deal scores with explanations for a batch of deals: 3-4 queries for the whole batch."""
        out: dict[str, Any] = {}
        for bundle in self.store.load_deals(ids):
            for score in score_account_deals(bundle, self.method, self.today, explain=True):
                out[score.deal_id] = score
        return [out.get(i) for i in ids]


@dataclass
class Context(BaseContext):
    principal: Principal | None  # None only while serving the GraphiQL page, which runs no query
    store: Store | None
    method: Method
    today: dt.date
    loaders: Loaders | None
    settings: Any = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
