"""Hand-built deal subgraphs for the scoring tests."""

from __future__ import annotations

import datetime as dt

from kam.models import ChainMember, Deal, Stakeholder
from kam.subgraph import ChainEntry, DealSubgraph, InfluenceEdge, Tie

TODAY = dt.date(2026, 12, 1)


def person(sid: str, name: str | None = None, account: str = "acc") -> Stakeholder:
    return Stakeholder(id=sid, name=name or sid, account_id=account)


def member(sid: str, role: str, influence: int = 3, sol: int = 0, price: int = 0, favors: bool = False,
           assessed: dt.date | None = TODAY, deal: str = "deal") -> ChainEntry:
    return ChainEntry(
        person(sid),
        ChainMember(stakeholder_id=sid, deal_id=deal, role=role, influence=influence, solution_acceptance=sol,
                    price_acceptance=price, favors_competitor=favors, assessed_at=assessed),
    )


def subgraph(members: list[ChainEntry], ties: list[Tie] = (), influences: list[InfluenceEdge] = (),
             others: list[str] = (), deal_id: str = "deal") -> DealSubgraph:
    people = {e.stakeholder.id: e.stakeholder for e in members}
    people.update({o: person(o) for o in others})
    return DealSubgraph(
        deal=Deal(id=deal_id, name="deal", account_id="acc", amount=1_000_000),
        members=list(members), ties=list(ties), influences=list(influences), people=people,
    )


def tie(employee: str, sid: str, level: int, last: dt.date | None = TODAY) -> Tie:
    return Tie(employee, sid, level, last_activity=last)
