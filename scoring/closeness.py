"""Company closeness to a stakeholder, with time decay (METHOD.md §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kam.method import Method
from kam.subgraph import Tie

__all__ = ["effective_closeness", "company_closeness", "Closeness"]


def effective_closeness(level: int, last_used: dt.date | None, today: dt.date, method: Method) -> float:
    """c_eff = c_floor + (c - c_floor) * 2^(-d / half_life) when c > c_floor, else c.

    c = level / 4; d = days since the tie was last used (never negative); no date at all: no decay.
    """
    c = level / 4
    floor = method.closeness.floor
    if c <= floor or last_used is None:
        return c
    d = max(0, (today - last_used).days)
    return floor + (c - floor) * 2 ** (-d / method.closeness.half_life_days)


@dataclass(frozen=True, slots=True)
class Closeness:
    """c(v) and the tie it comes from."""

    value: float
    employee_id: str | None
    level: int | None


def company_closeness(ties: Iterable[Tie], today: dt.date, method: Method) -> dict[str, Closeness]:
    """c(v) = the largest effective closeness over all ties to v (absent: 0, nobody knows v)."""
    best: dict[str, Closeness] = {}
    for t in ties:
        c = effective_closeness(t.closeness, t.last_used, today, method)
        cur = best.get(t.stakeholder_id)
        if cur is None or c > cur.value or (c == cur.value and t.employee_id < (cur.employee_id or "")):
            best[t.stakeholder_id] = Closeness(c, t.employee_id, t.closeness)
    return best
