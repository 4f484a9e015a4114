"""Account relationship score and employee influence (METHOD.md §4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kam.method import Method
from kam.models import ChainMember, Deal, DealStatus, Stakeholder
from kam.subgraph import AccountGraph, Tie
from scoring.closeness import company_closeness, effective_closeness

__all__ = [
    "AccountScore", "score_account", "EmployeeInfluence", "employee_influence", "importance_by_person", "account_capital",
]


@dataclass(frozen=True, slots=True)
class AccountScore:
    account_id: str
    score: float
    depth: float
    coverage: float
    concentration: float
    key_people: int
    capital: dict[str, float]  # employee -> sum of c_eff of their ties to the account's people
    top_employee: str | None
    top_share: float
    dependency_risk: bool


def score_account(g: AccountGraph, method: Method, today: dt.date) -> AccountScore:
    """AS = 100 (0.4 depth + 0.3 coverage + 0.3 (1 - concentration)); 0 when there are no key persons.

    K = key-flagged stakeholders and members of any open deal's chain; with level weights w,
    coverage = Σ w [c ≥ 0.5] / Σ w, depth = Σ w c / Σ w; concentration is the Herfindahl index of the
    employees' shares of relationship capital (1 when nobody holds a tie).
    """
    a = method.account
    open_deals = {d.id for d in g.deals if d.status == DealStatus.open}
    in_chain = {c.stakeholder_id for c in g.chains if c.deal_id in open_deals}
    people = {s.id: s for s in g.stakeholders}
    key = [s for s in g.stakeholders if s.key or s.id in in_chain]
    closeness = company_closeness(g.ties, today, method)
    capital: dict[str, float] = defaultdict(float)
    for t in g.ties:
        if t.stakeholder_id in people:
            capital[t.employee_id] += effective_closeness(t.closeness, t.last_used, today, method)
    total = sum(capital.values())
    shares = {e: v / total for e, v in capital.items()} if total > 0 else {}
    concentration = sum(s * s for s in shares.values()) if shares else 1.0
    top = max(sorted(shares), key=lambda e: shares[e]) if shares else None
    top_share = shares.get(top, 0.0) if top else 0.0
    if not key:
        return AccountScore(g.account.id, 0.0, 0.0, 0.0, concentration, 0, dict(capital), top, top_share,
                            top_share > a.dependency_share)
    w = {s.id: a.level_weights[s.level] for s in key}
    wsum = sum(w.values())
    c = {s.id: closeness[s.id].value if s.id in closeness else 0.0 for s in key}
    coverage = sum(w[v] for v in w if c[v] >= a.covered_closeness) / wsum
    depth = sum(w[v] * c[v] for v in w) / wsum
    score = 100 * (a.depth * depth + a.coverage * coverage + a.spread * (1 - concentration))
    return AccountScore(g.account.id, score, depth, coverage, concentration, len(key), dict(capital), top, top_share,
                        top_share > a.dependency_share)


def importance_by_person(chains: Iterable[ChainMember], deals: Mapping[str, Deal], method: Method) -> dict[str, float]:
    """importance(v) = the largest ω_v over the open deals v is a member of."""
    out: dict[str, float] = {}
    for m in chains:
        d = deals.get(m.deal_id)
        if d is None or d.status != DealStatus.open:
            continue
        w = method.role_weight(m.role) * m.influence / 5
        out[m.stakeholder_id] = max(out.get(m.stakeholder_id, 0.0), w)
    return out


@dataclass(frozen=True, slots=True)
class EmployeeInfluence:
    employee_id: str
    relationship_capital: float
    pipeline_touched: float
    deals_touched: tuple[str, ...]
    share_by_account: dict[str, float]


def employee_influence(
    employee_id: str,
    ties: Iterable[Tie],
    people: Mapping[str, Stakeholder],
    chains: Iterable[ChainMember],
    deals: Mapping[str, Deal],
    account_capital: Mapping[str, float],
    method: Method,
    today: dt.date,
) -> EmployeeInfluence:
    """RC(e) = Σ over e's ties of c_eff · importance(v) (0.2 when v is in no open deal); pipeline
    touched = Σ amounts of the distinct open deals where e has a tie to a member; per account, e's
    share of the account's relationship capital (``account_capital``: Σ c_eff of all ties there)."""
    ties = [t for t in ties if t.employee_id == employee_id]
    chains = list(chains)
    importance = importance_by_person(chains, deals, method)
    rc = 0.0
    mine: dict[str, float] = defaultdict(float)
    for t in ties:
        c = effective_closeness(t.closeness, t.last_used, today, method)
        rc += c * importance.get(t.stakeholder_id, method.employee.default_importance)
        p = people.get(t.stakeholder_id)
        if p is not None:
            mine[p.account_id] += c
    known = {t.stakeholder_id for t in ties}
    touched = sorted({m.deal_id for m in chains if m.stakeholder_id in known
                      and m.deal_id in deals and deals[m.deal_id].status == DealStatus.open})
    pipeline = sum(deals[d].amount for d in touched)
    shares = {acc: (v / account_capital[acc] if account_capital.get(acc) else 0.0) for acc, v in sorted(mine.items())}
    return EmployeeInfluence(employee_id, rc, pipeline, tuple(touched), shares)


def account_capital(ties_by_account: Mapping[str, Iterable[Tie]], today: dt.date, method: Method) -> dict[str, float]:
    """Σ c_eff of every tie to each account's people: the denominator of an employee's share."""
    return {
        acc: sum(effective_closeness(t.closeness, t.last_used, today, method) for t in ties)
        for acc, ties in ties_by_account.items()
    }
