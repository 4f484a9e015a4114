"""The shapes the graph layer loads for scoring: a deal's decision chain and an account's relationship graph.

Plain data (the models of ``kam.models`` inside), built by ``graph`` and read by ``scoring``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kam.models import Account, ChainMember, Deal, OrgUnit, Stakeholder, TeamMember

__all__ = ["Tie", "InfluenceEdge", "ChainEntry", "DealSubgraph", "AccountGraph", "AccountDeals", "EmployeeTies", "PathCandidate"]


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


@dataclass(slots=True)
class AccountDeals:
    """The open deals of one account, each as a DealSubgraph, and the influence edges among the
    account's people (portfolio rescoring factorises them once for all the deals)."""

    account_id: str
    deals: list[DealSubgraph]
    influences: list[InfluenceEdge]


@dataclass(slots=True)
class EmployeeTies:
    """What employee influence needs: the employee's ties, the people they reach, those people's
    chain memberships and deals, and the relationship capital of every tie at their accounts."""

    employee_id: str
    employee_name: str
    ties: list[Tie]
    people: dict[str, Stakeholder]
    chains: list[ChainMember]
    deals: dict[str, Deal]
    account_ties: dict[str, list[Tie]]  # account id -> every tie to its people (for the capital shares)


@dataclass(frozen=True, slots=True)
class PathCandidate:
    """A route employee -KNOWS-> people[0] -INFLUENCES-> ... -> people[-1] (the target)."""

    employee_id: str
    closeness: int
    last_used: dt.date | None
    people: tuple[str, ...]
    strengths: tuple[float, ...]  # one per INFLUENCES hop
