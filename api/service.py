"""Use cases: the graph layer loads, scoring computes. Shared by the HTTP API and the CLI."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graph.queries import subgraph as qs
from graph.store import Store
from kam.method import Method
from kam.models import DealStatus, WhatIfChange
from scoring.account import AccountScore, EmployeeInfluence, account_capital, employee_influence, score_account
from scoring.batch import score_account_deals
from scoring.calibration import Calibration, calibrate
from scoring.deal import DealScore, score_deal
from scoring.paths import WarmPath, rank_warm_paths
from scoring.whatif import WhatIf, what_if

__all__ = [
    "MethodInForce", "deal_report", "what_if_report", "account_report", "employee_report", "warm_paths", "calibration",
    "method_in_force", "rescore_portfolio", "PortfolioRun",
]

def calibration(store: Store, method: Method) -> Calibration:
    """Fit the win-probability curve on closed (won or lost) deals that carry a score."""
    rows = store.db.run_read(qs.CLOSED_DEALS_WITH_SCORE)
    return calibrate([r["score"] for r in rows], [r["status"] == DealStatus.won.value for r in rows], method)


def method_in_force(store: Store, method: Method) -> tuple[Method, Calibration]:
    """The method with the calibrated win-probability curve when there is enough history."""
    cal = calibration(store, method)
    if not cal.fitted:
        return method, cal
    wp = method.win_probability.model_copy(update={"slope": cal.slope, "midpoint": cal.midpoint})
    return method.model_copy(update={"win_probability": wp}), cal


class MethodInForce:
    """The method with the calibrated win-probability curve, refreshed every ``ttl`` seconds (the API keeps
    one, so that every view of a deal uses the same curve as `kam score deal` without a query per request)."""

    def __init__(self, method: Method, ttl: float = 600.0):
        self.base, self.ttl = method, ttl
        self._value: Method | None = None
        self._at = 0.0

    def get(self, store: Store) -> Method:
        if self._value is None or time.monotonic() - self._at > self.ttl:
            self._value, _ = method_in_force(store, self.base)
            self._at = time.monotonic()
        return self._value


def deal_report(store: Store, deal_id: str, method: Method, today: dt.date | None = None, actions: int = 10) -> DealScore:
    """A deal's full score report: members, contributions, risks, shot readiness, next actions, hidden influencers."""
    m, _ = method_in_force(store, method)
    return score_deal(store.load_deal_chain(deal_id), m, today or dt.date.today(), actions=actions)


def what_if_report(store: Store, deal_id: str, changes: Sequence[WhatIfChange], method: Method, today: dt.date | None = None) -> WhatIf:
    m, _ = method_in_force(store, method)
    return what_if(store.load_deal_chain(deal_id), changes, m, today or dt.date.today())


def account_report(store: Store, account_id: str, method: Method, today: dt.date | None = None) -> AccountScore:
    return score_account(store.load_account_graph(account_id), method, today or dt.date.today())


def employee_report(store: Store, employee_id: str, method: Method, today: dt.date | None = None) -> EmployeeInfluence:
    today = today or dt.date.today()
    e = store.load_employee_ties(employee_id)
    capital = account_capital(e.account_ties, today, method)
    return employee_influence(employee_id, e.ties, e.people, e.chains, e.deals, capital, method, today)


def warm_paths(store: Store, stakeholder_id: str, method: Method, today: dt.date | None = None, first: int = 10) -> list[WarmPath]:
    return rank_warm_paths(store.load_warm_path_candidates(stakeholder_id), method, today or dt.date.today(), first)


@dataclass
class PortfolioRun:
    deals: int
    accounts: int
    read_s: float
    compute_s: float
    write_s: float
    calibration: Calibration

    @property
    def total_s(self) -> float:
        return self.read_s + self.compute_s + self.write_s


def rescore_portfolio(
    store: Store,
    method: Method,
    today: dt.date | None = None,
    *,
    chunk: int = 200,
    write: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> PortfolioRun:
    """Score every open deal, a chunk of accounts at a time, and store each deal's latest score.

    Work grows linearly with the data: each chunk is two or three queries, each account's influence
    system is factorised once for all its deals, and scores are written back in one batch per chunk.
    """
    today = today or dt.date.today()
    m, cal = method_in_force(store, method)
    read = compute = wrote = 0.0
    n_deals = n_accounts = 0
    ids_iter = store.account_ids(chunk)
    while True:
        t0 = time.perf_counter()
        ids = next(ids_iter, None)
        if ids is None:
            read += time.perf_counter() - t0
            break
        bundles = store.load_open_deals(ids)
        t1 = time.perf_counter()
        rows = []
        for b in bundles:
            for s in score_account_deals(b, m, today):
                rows.append({"id": s.deal_id, "score": round(s.score, 6), "win_probability": round(s.win_probability, 6),
                             "shot_ready": s.shot.ready, "risk_codes": sorted({r.code for r in s.risks})})
        t2 = time.perf_counter()
        if write:
            store.save_deal_scores(rows)
        t3 = time.perf_counter()
        read += t1 - t0
        compute += t2 - t1
        wrote += t3 - t2
        n_deals += len(rows)
        n_accounts += len(bundles)
        if on_progress:
            on_progress(len(rows))
    return PortfolioRun(n_deals, n_accounts, read, compute, wrote, cal)
