"""Warm paths: ranked routes from our employees to a target stakeholder (METHOD.md §4, issue: warm paths).

A route is employee -KNOWS-> stakeholder -INFLUENCES-> ... -> target, at most ``max_hops`` influence
hops; its strength is the tie's effective closeness times the product of the influence strengths.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from kam.method import Method
from kam.subgraph import PathCandidate
from scoring.closeness import effective_closeness

__all__ = ["WarmPath", "rank_warm_paths"]


@dataclass(frozen=True, slots=True)
class WarmPath:
    employee_id: str
    people: tuple[str, ...]
    closeness: float
    strength: float
    hops: int


def rank_warm_paths(candidates: Iterable[PathCandidate], method: Method, today: dt.date, first: int = 10) -> list[WarmPath]:
    """Strongest first; paths that revisit a person are dropped; ties broken by fewer hops, then ids."""
    out = []
    for c in candidates:
        if len(set(c.people)) != len(c.people) or len(c.strengths) > method.warm_paths.max_hops:
            continue
        ce = effective_closeness(c.closeness, c.last_used, today, method)
        out.append(WarmPath(c.employee_id, c.people, ce, ce * math.prod(c.strengths), len(c.strengths)))
    out.sort(key=lambda p: (-p.strength, p.hops, p.employee_id, p.people))
    return out[:first]
