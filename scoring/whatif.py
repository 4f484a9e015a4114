"""What-if: apply hypothetical changes to a deal's chain and compare the scores (METHOD.md §4)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kam.errors import InvalidInput, Problem
from kam.method import Method
from kam.models import ChainMember, Stakeholder, WhatIfChange, WhatIfKind
from kam.subgraph import ChainEntry, DealSubgraph, InfluenceEdge, Tie
from scoring.deal import DealScore, score_deal

__all__ = ["MemberDelta", "WhatIf", "what_if", "apply_changes", "WHAT_IF_EMPLOYEE"]

WHAT_IF_EMPLOYEE = "(what-if)"


@dataclass(frozen=True, slots=True)
class MemberDelta:
    stakeholder_id: str
    name: str
    br_before: float | None  # None: not a member before
    br_after: float | None  # None: not a member after
    contribution_before: float
    contribution_after: float
    attitude_before: float | None
    attitude_after: float | None


@dataclass
class WhatIf:
    before: DealScore
    after: DealScore
    members: list[MemberDelta]

    @property
    def delta(self) -> float:
        return self.after.score - self.before.score


def apply_changes(sg: DealSubgraph, changes: Sequence[WhatIfChange], today: dt.date) -> DealSubgraph:
    """A copy of the subgraph with the changes applied in order; an impossible change raises InvalidInput."""
    g = copy.copy(sg)
    g.members = list(sg.members)
    g.ties = list(sg.ties)
    g.influences = list(sg.influences)
    g.people = dict(sg.people)
    problems: list[Problem] = []
    for n, ch in enumerate(changes, start=1):
        idx = {e.stakeholder.id: i for i, e in enumerate(g.members)}
        sid = ch.stakeholder_id
        if ch.kind == WhatIfKind.set_assessment:
            if sid not in idx:
                problems.append(Problem("stakeholder_id", f"{sid!r} is not a member of the chain", n))
                continue
            e = g.members[idx[sid]]
            upd = {k: getattr(ch, k) for k in ("role", "influence", "solution_acceptance", "price_acceptance", "favors_competitor")
                   if getattr(ch, k) is not None}
            g.members[idx[sid]] = ChainEntry(e.stakeholder, e.membership.model_copy(update=upd))
        elif ch.kind == WhatIfKind.set_closeness:
            g.ties = [t for t in g.ties if t.stakeholder_id != sid]
            g.ties.append(Tie(WHAT_IF_EMPLOYEE, sid, ch.closeness, last_activity=today))
        elif ch.kind == WhatIfKind.add_member:
            if sid in idx:
                problems.append(Problem("stakeholder_id", f"{sid!r} is already a member of the chain", n))
                continue
            person = g.people.get(sid) or Stakeholder(
                id=sid, name=ch.name or sid, account_id=sg.deal.account_id
            )
            g.people[sid] = person
            m = ChainMember(
                stakeholder_id=sid, deal_id=sg.deal.id, role=ch.role, influence=ch.influence or 3,
                solution_acceptance=ch.solution_acceptance or 0, price_acceptance=ch.price_acceptance or 0,
                favors_competitor=bool(ch.favors_competitor), assessed_at=today,
            )
            g.members.append(ChainEntry(person, m))
        elif ch.kind == WhatIfKind.remove_member:
            if sid not in idx:
                problems.append(Problem("stakeholder_id", f"{sid!r} is not a member of the chain", n))
                continue
            del g.members[idx[sid]]
        elif ch.kind == WhatIfKind.add_influence:
            for fld, pid in (("source_id", ch.source_id), ("target_id", ch.target_id)):
                if pid not in g.people and pid not in idx:
                    problems.append(Problem(fld, f"{pid!r} is not a person of this account or chain", n))
            g.influences = [e for e in g.influences if (e.source_id, e.target_id) != (ch.source_id, ch.target_id)]
            g.influences.append(InfluenceEdge(ch.source_id, ch.target_id, ch.strength))
        elif ch.kind == WhatIfKind.remove_influence:
            before = len(g.influences)
            g.influences = [e for e in g.influences if (e.source_id, e.target_id) != (ch.source_id, ch.target_id)]
            if len(g.influences) == before:
                problems.append(Problem("source_id", f"there is no influence edge {ch.source_id} -> {ch.target_id}", n))
    if problems:
        raise InvalidInput(problems, "what-if changes")
    return g


def what_if(sg: DealSubgraph, changes: Sequence[WhatIfChange], method: Method, today: dt.date) -> WhatIf:
    """Score the deal as it is and with the changes; the difference per member explains the new score."""
    before = score_deal(sg, method, today, actions=0)
    after = score_deal(apply_changes(sg, changes, today), method, today)
    b = {m.stakeholder_id: m for m in before.members}
    a = {m.stakeholder_id: m for m in after.members}
    deltas = []
    for sid in sorted(set(a) | set(b)):
        mb, ma = b.get(sid), a.get(sid)
        deltas.append(
            MemberDelta(
                sid, (ma or mb).name,
                mb.br if mb else None, ma.br if ma else None,
                mb.contribution if mb else 0.0, ma.contribution if ma else 0.0,
                mb.effective_attitude if mb else None, ma.effective_attitude if ma else None,
            )
        )
    return WhatIf(before, after, deltas)
