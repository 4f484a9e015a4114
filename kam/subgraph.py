"""The shapes the graph layer loads for scoring: a deal's decision chain and an account's relationship graph.

Plain data (the models of ``kam.models`` inside), built by ``graph`` and read by ``scoring``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kam.models import Account, ChainMember, Deal, OrgUnit, Stakeholder, TeamMember

__all__ = ["Tie", "InfluenceEdge", "ChainEntry", "DealSubgraph", "AccountGraph"]


@dataclass(frozen=True, slots=True)
class Tie:
    """An employee's KNOWS tie to a stakeholder, with the latest activity between the two."""

    employee_id: str
    stakeholder_id: str
    closeness: int
    since: dt.date | None = None
    last_contact: dt.date | None = None
    last_activity: dt.date | None = None

    @property
    def last_used(self) -> dt.date | None:
        """The date decay counts from: latest activity, else last contact, else since (METHOD §4)."""
        return self.last_activity or self.last_contact or self.since


@dataclass(frozen=True, slots=True)
class InfluenceEdge:
    source_id: str
    target_id: str
    strength: float


@dataclass(frozen=True, slots=True)
class ChainEntry:
    stakeholder: Stakeholder
    membership: ChainMember


@dataclass(slots=True)
class DealSubgraph:
    """Everything scoring needs for one deal, loaded in two round trips."""

    deal: Deal
    members: list[ChainEntry]
    ties: list[Tie]
    influences: list[InfluenceEdge]
    people: dict[str, Stakeholder]  # the account's stakeholders and the chain members, by id
    last_activity: dict[str, dt.date] = field(default_factory=dict)  # latest activity per stakeholder
    team: list[TeamMember] = field(default_factory=list)
    employee_names: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AccountGraph:
    """An account's relationship graph: people, org chart, ties, influence, deals and chains."""

    account: Account
    stakeholders: list[Stakeholder]
    org_units: list[OrgUnit]
    deals: list[Deal]
    chains: list[ChainMember]
    ties: list[Tie]
    influences: list[InfluenceEdge]
    last_activity: dict[str, dt.date] = field(default_factory=dict)
