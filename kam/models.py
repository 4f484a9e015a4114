"""The domain model (METHOD.md §2-§3): one pydantic model per node label and per relationship type.

These models are the single schema source: the graph layer stores their fields as properties
(dates as ISO strings), imports validate rows with them, and the API builds its types from them.
Scales are bounded integers whose error message names the field and the allowed range.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "AccountStatus", "ActivityType", "ChainRole", "CompetitorPosition", "DealStage", "DealStatus",
    "EmployeeRole", "Grade", "LeadStatus", "Level", "TeamRole", "Tier",
    "Sector", "Industry", "Office", "IndustryTeam", "Partner", "Account", "OrgUnit", "Stakeholder",
    "Employee", "Deal", "Competitor", "Lead", "Activity",
    "Knows", "ChainMember", "Influence", "TeamMember", "CompetesIn",
    "NODE_MODELS", "EDGE_MODELS", "WhatIfChange", "WhatIfKind",
    "ReviewKind", "Decision", "ActionStatus", "DealPlan", "Review", "Action", "Effort", "StageChange", "Violation",
    "Collection", "AccountSnapshot",
]


# --------------------------------------------------------------------------- scales and enums


def _scale(lo: int | float, hi: int | float, what: str, lo_open: bool = False):
    """A bound check whose message names the allowed range, e.g. 'must be from 0 to 4 (closeness)'."""

    def check(v):
        ok = (lo < v if lo_open else lo <= v) and v <= hi
        if not ok:
            allowed = f"greater than {lo} and at most {hi}" if lo_open else f"from {lo} to {hi}"
            raise PydanticCustomError(
                "out_of_range", "must be {allowed} ({what}), got {got}", {"allowed": allowed, "what": what, "got": v}
            )
        return v

    return AfterValidator(check)


Closeness = Annotated[int, _scale(0, 4, "0 stranger, 1 acquainted, 2 familiar, 3 trusted, 4 ally")]
SolutionAcceptance = Annotated[int, _scale(-2, 2, "-2 opposes, -1 skeptical, 0 neutral, 1 accepts, 2 champions")]
PriceAcceptance = Annotated[int, _scale(-2, 2, "-2 rejects, -1 resists, 0 neutral, 1 accepts, 2 endorses")]
InfluenceLevel = Annotated[int, _scale(1, 5, "influence level")]
Strength = Annotated[float, _scale(0, 1, "influence strength", lo_open=True)]
Amount = Annotated[float, _scale(0, 1e13, "amount in CNY")]
Hours = Annotated[float, _scale(0, 24, "hours in a day")]

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128, pattern=r"^[^\s/\\;]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class Tier(str, Enum):
    named = "named"  # 名单客户
    key = "key"
    general = "general"


class AccountStatus(str, Enum):
    active = "active"
    prospect = "prospect"
    dormant = "dormant"


class Level(str, Enum):
    executive = "executive"  # 高层
    management = "management"  # 中层
    staff = "staff"  # 基层


class EmployeeRole(str, Enum):
    sales = "sales"  # 销售经理
    solution = "solution"  # 方案经理
    delivery = "delivery"  # 交付经理
    presales = "presales"  # 售前
    office_head = "office_head"  # 办事处主任
    industry_director = "industry_director"  # 行业总监
    executive = "executive"


class TeamRole(str, Enum):
    """A person's role on a deal team; sales, solution and delivery form the iron triangle (铁三角)."""

    sales = "sales"
    solution = "solution"
    delivery = "delivery"
    presales = "presales"
    office_head = "office_head"
    industry_director = "industry_director"
    sponsor = "sponsor"
    product_line = "product_line"
    bid_team = "bid_team"


class ChainRole(str, Enum):
    decision_maker = "decision_maker"  # 决策者
    technical_evaluator = "technical_evaluator"  # 技术评估者
    business_evaluator = "business_evaluator"  # 商务评估者
    purchaser = "purchaser"  # 采购
    user = "user"  # 使用者
    coach = "coach"  # 教练/内线
    influencer = "influencer"  # 影响者


class DealStage(str, Enum):
    verify = "verify"  # 1 验证商机
    initiate = "initiate"  # 2 商机立项
    needs_analysis = "needs_analysis"  # 3 需求分析
    value_presentation = "value_presentation"  # 4 价值呈现
    tender_preparation = "tender_preparation"  # 5 招标准备
    bidding = "bidding"  # 6 组织投标
    negotiation = "negotiation"  # 7 谈判签约
    fulfilment = "fulfilment"  # 8 合同履行

    @property
    def number(self) -> int:
        return list(DealStage).index(self) + 1


class DealStatus(str, Enum):
    open = "open"
    won = "won"
    lost = "lost"
    abandoned = "abandoned"


class Grade(str, Enum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class ActivityType(str, Enum):
    visit = "visit"
    meeting = "meeting"
    demo = "demo"
    call = "call"
    dinner = "dinner"
    workshop = "workshop"


class CompetitorPosition(str, Enum):
    leading = "leading"
    even = "even"
    trailing = "trailing"
    unknown = "unknown"


class LeadStatus(str, Enum):
    new = "new"
    qualified = "qualified"
    converted = "converted"
    rejected = "rejected"


# --------------------------------------------------------------------------- base classes


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, str_strip_whitespace=True, frozen=False)

    def to_props(self) -> dict[str, Any]:
        """The properties stored in the graph: JSON-compatible values, dates as ISO strings."""
        return self.model_dump(mode="json", exclude=self._not_stored)

    _not_stored: ClassVar[set[str]] = set()

    @classmethod
    def from_props(cls, props: dict[str, Any]):
        """The one mapping from a stored record to the model (unknown keys such as updated_at ignored)."""
        return cls.model_validate({k: v for k, v in props.items() if k in cls.model_fields})


class Node(_Model):
    """A node: ``id`` is a stable external id, unique per label; imports upsert by it."""

    id: Id = Field(description="Stable external id, unique per label.")


class Named(Node):
    name: Name = Field(description="Name as people write it (usually zh).")
    name_en: Name | None = Field(None, description="English name or transliteration.")


# --------------------------------------------------------------------------- nodes


class Sector(Named):
    """行业板块: public sector, energy, transport, telecom, finance, consumer, commerce."""


class Industry(Named):
    """子行业, e.g. public security 公安, procuratorate 检察, courts 法院, justice 司法, military 军队."""

    sector_id: Id | None = Field(None, description="The sector it is part of (PART_OF).")


class Office(Named):
    """办事处: a regional office."""

    region: Name | None = Field(None, description="Region or province the office covers.")


class IndustryTeam(Named):
    """行业团队: the industry side of the matrix."""

    industry_id: Id | None = Field(None, description="The industry the team serves (FOCUSES_ON).")


class Partner(Named):
    """集成商: an integrator that signs the contract on partner-led deals."""


class Account(Named):
    """客户: a customer organisation."""

    industry_id: Id | None = Field(None, description="Industry (IN_INDUSTRY).")
    office_id: Id | None = Field(None, description="Covering regional office (COVERED_BY).")
    tier: Tier = Field(Tier.general, description="named 名单客户 / key / general.")
    status: AccountStatus = Field(AccountStatus.active, description="active / prospect / dormant.")


class OrgUnit(Named):
    """A department of a customer."""

    account_id: Id = Field(description="The account the unit belongs to (UNIT_OF).")
    parent_id: Id | None = Field(None, description="The parent unit (PARENT).")


class Stakeholder(Named):
    """客户关键人: a person at a customer."""

    title: Name | None = Field(None, description="Job title (zh).")
    title_en: Name | None = Field(None, description="Job title (en).")
    level: Level = Field(Level.staff, description="executive 高层 / management 中层 / staff 基层.")
    key: bool = Field(False, description="Key person flag.")
    account_id: Id = Field(description="Employer (WORKS_AT).")
    org_unit_id: Id | None = Field(None, description="Department (MEMBER_OF).")
    reports_to_id: Id | None = Field(None, description="Manager in the org chart (REPORTS_TO).")

    @model_validator(mode="after")
    def _not_own_manager(self):
        if self.reports_to_id is not None and self.reports_to_id == self.id:
            raise PydanticCustomError(
                "self_reference", "a person cannot report to themselves", {"field": "reports_to_id"}
            )
        return self


class Employee(Named):
    """One of our people."""

    title: Name | None = Field(None, description="Job title.")
    roles: list[EmployeeRole] = Field(min_length=1, description="Roles: sales, solution, delivery, presales, office_head, industry_director, executive.")
    office_id: Id | None = Field(None, description="Office (IN_OFFICE).")
    team_id: Id | None = Field(None, description="Industry team (IN_TEAM).")


class Deal(Named):
    """商机: an opportunity."""

    account_id: Id = Field(description="The customer (FOR_ACCOUNT).")
    amount: Amount = Field(0.0, description="Amount in CNY.")
    solution_line: Name | None = Field(None, description="Solution line, e.g. video conferencing or surveillance.")
    stage: DealStage = Field(DealStage.verify, description="Sales stage 1-8.")
    grade: Grade | None = Field(None, description="A-E; computed from the amount when not given.")
    expected_close: dt.date | None = Field(None, description="Expected close date.")
    partner_led: bool = Field(False, description="Partner-led (合作伙伴主导): grade E whatever the amount.")
    partner_id: Id | None = Field(None, description="Integrator that signs the contract (VIA_PARTNER).")
    owner_id: Id | None = Field(None, description="Owning employee (OWNED_BY).")
    status: DealStatus = Field(DealStatus.open, description="open / won / lost / abandoned.")


class Competitor(Named):
    """A competing vendor."""


class Lead(Named):
    """销售线索: converted to a deal when verified."""

    account_id: Id | None = Field(None, description="Account, when known (FOR_ACCOUNT).")
    source: Name | None = Field(None, description="Where the lead came from.")
    amount_estimate: Amount | None = Field(None, description="Estimated amount in CNY.")
    status: LeadStatus = Field(LeadStatus.new, description="new / qualified / converted / rejected.")


class Activity(Node):
    """A visit, meeting, demo, call, dinner or workshop with one or more stakeholders."""

    type: ActivityType = Field(description="visit / meeting / demo / call / dinner / workshop.")
    date: dt.date = Field(description="Day it took place.")
    summary: Text | None = Field(None, description="What happened.")
    employee_id: Id = Field(description="Our employee (BY).")
    stakeholder_ids: list[Id] = Field(min_length=1, description="The stakeholders met (WITH).")
    deal_id: Id | None = Field(None, description="The deal it was about (ABOUT), if any.")


# --------------------------------------------------------------------------- relationships


class Edge(_Model):
    """A relationship between two nodes, identified by its two endpoint ids."""


class Knows(Edge):
    """(:Employee)-[:KNOWS]->(:Stakeholder): a personal tie."""

    employee_id: Id
    stakeholder_id: Id
    closeness: Closeness = Field(description="0 stranger 陌生 .. 4 ally 同盟.")
    since: dt.date | None = Field(None, description="When the tie began.")
    last_contact: dt.date | None = Field(None, description="Last contact, when no activity records it.")


class ChainMember(Edge):
    """(:Stakeholder)-[:IN_CHAIN]->(:Deal): decision-chain membership and the per-deal assessment."""

    stakeholder_id: Id
    deal_id: Id
    role: ChainRole = Field(description="Decision-chain role.")
    influence: InfluenceLevel = Field(3, description="1..5.")
    solution_acceptance: SolutionAcceptance = Field(0, description="-2 opposes 反对 .. 2 champions 力推.")
    price_acceptance: PriceAcceptance = Field(0, description="-2 rejects 拒绝 .. 2 endorses 认同.")
    favors_competitor: bool = Field(False, description="The member favours a competitor.")
    assessed_at: dt.date | None = Field(None, description="Day of the assessment.")
    assessed_by: Id | None = Field(None, description="Employee who made the assessment.")


class Influence(Edge):
    """(:Stakeholder)-[:INFLUENCES {strength}]->(:Stakeholder): who listens to whom."""

    source_id: Id = Field(description="The person whose opinion carries.")
    target_id: Id = Field(description="The person who listens.")
    strength: Strength = Field(description="In (0, 1].")

    @model_validator(mode="after")
    def _two_people(self):
        if self.source_id == self.target_id:
            raise PydanticCustomError(
                "self_reference", "an influence edge needs two different people", {"field": "target_id"}
            )
        return self


class TeamMember(Edge):
    """(:Employee)-[:ON_TEAM {role}]->(:Deal): the deal team."""

    employee_id: Id
    deal_id: Id
    role: TeamRole


class CompetesIn(Edge):
    """(:Competitor)-[:COMPETES_IN]->(:Deal)."""

    competitor_id: Id
    deal_id: Id
    position: CompetitorPosition = CompetitorPosition.unknown
    strengths: Text | None = None
    weaknesses: Text | None = None


NODE_MODELS: dict[str, type[Node]] = {
    m.__name__: m
    for m in (Sector, Industry, Office, IndustryTeam, Partner, Account, OrgUnit, Stakeholder, Employee, Deal,
              Competitor, Lead, Activity)
}
EDGE_MODELS: dict[str, type[Edge]] = {
    "KNOWS": Knows, "IN_CHAIN": ChainMember, "INFLUENCES": Influence, "ON_TEAM": TeamMember, "COMPETES_IN": CompetesIn,
}


class WhatIfKind(str, Enum):
    set_assessment = "set_assessment"
    set_closeness = "set_closeness"
    add_member = "add_member"
    remove_member = "remove_member"
    add_influence = "add_influence"
    remove_influence = "remove_influence"


class WhatIfChange(_Model):
    """One hypothetical change to a deal's chain, for what-if questions.

    kinds: ``set_assessment`` (any of role, influence, solution_acceptance, price_acceptance,
    favors_competitor for a member), ``set_closeness`` (our best tie to a person, 0..4, as of today),
    ``add_member`` (a person, existing or hypothetical, joins the chain with a role), ``remove_member``,
    ``add_influence`` / ``remove_influence`` (source_id -> target_id, strength for add).
    """

    kind: WhatIfKind
    stakeholder_id: Id | None = None
    name: Name | None = Field(None, description="Name of a hypothetical new person (add_member).")
    role: ChainRole | None = None
    influence: InfluenceLevel | None = None
    solution_acceptance: SolutionAcceptance | None = None
    price_acceptance: PriceAcceptance | None = None
    favors_competitor: bool | None = None
    closeness: Closeness | None = None
    source_id: Id | None = None
    target_id: Id | None = None
    strength: Strength | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self):
        need = {
            "set_assessment": ["stakeholder_id"],
            "set_closeness": ["stakeholder_id", "closeness"],
            "add_member": ["stakeholder_id", "role"],
            "remove_member": ["stakeholder_id"],
            "add_influence": ["source_id", "target_id", "strength"],
            "remove_influence": ["source_id", "target_id"],
        }[self.kind.value]
        for f in need:
            if getattr(self, f) is None:
                raise PydanticCustomError("missing_for_kind", "is required for {kind}", {"kind": self.kind.value, "field": f})
        if self.kind == WhatIfKind.add_influence and self.source_id == self.target_id:
            raise PydanticCustomError("self_reference", "an influence edge needs two different people", {"field": "target_id"})
        return self


# --------------------------------------------------------------------------- sales process (METHOD §5)


class ReviewKind(str, Enum):
    commercial = "commercial_review"
    technical = "technical_review"
    bid_approval = "bid_approval"


class Decision(str, Enum):
    approved = "approved"
    rejected = "rejected"
    pending = "pending"


class ActionStatus(str, Enum):
    open = "open"
    done = "done"
    dropped = "dropped"


class DealPlan(Node):
    """A deal's win plan and process data (赢单四部曲): id is the deal's id."""

    deal_id: Id = Field(description="The deal (PLAN_OF).")
    answers: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+:[0-4]$")]] = Field(
        default_factory=list, description="Questionnaire answers as 'question:0..4'.")
    answered_at: dt.date | None = Field(None, description="When the questionnaire was last answered.")
    strategy: Name | None = Field(None, description="Chosen strategy option.")
    strategy_notes: Text | None = None
    artifacts: list[Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]] = Field(
        default_factory=list, description="Done items: commercial_content, technical_content, bid_application, ...")
    manual_grade: Grade | None = Field(None, description="A grade set by hand (kept when the amount changes).")
    grade_reason: Text | None = None


class Review(Node):
    """A commercial review, technical review or bid approval."""

    deal_id: Id
    kind: ReviewKind
    decision: Decision
    by_id: Id | None = Field(None, description="The employee who decided (BY).")
    date: dt.date
    comments: Text | None = None


class Action(Node):
    """An action of the action plan (行动计划)."""

    deal_id: Id
    text: Name
    owner_id: Id | None = Field(None, description="Our employee who owns it.")
    due: dt.date | None = None
    target_id: Id | None = Field(None, description="The stakeholder it targets.")
    status: ActionStatus = ActionStatus.open
    result: Text | None = None


class Effort(Node):
    """Presales effort (售前费用): hours an employee spent on a deal in a role."""

    deal_id: Id
    employee_id: Id
    date: dt.date
    hours: Hours
    role: TeamRole


class StageChange(Node):
    """One entry of a deal's stage history (append-only)."""

    deal_id: Id
    from_stage: str
    to_stage: str
    at: Name
    by: Name
    override: bool = False
    reason: Text | None = None


class Violation(Node):
    """A gate overridden: the missing items and the reason (罚违规之事)."""

    deal_id: Id
    stage: str
    missing: list[str]
    at: Name
    by: Name
    reason: Text


class Collection(Node):
    """Money collected on a won deal (for KPIs)."""

    deal_id: Id
    date: dt.date
    amount: Amount


NODE_MODELS.update({m.__name__: m for m in (DealPlan, Review, Action, Effort, StageChange, Violation, Collection)})


class AccountSnapshot(Node):
    """An account's relationship score on a day (``kam score accounts``): the history KPIs compare."""

    account_id: Id
    date: dt.date
    score: Annotated[float, _scale(0, 100, "score")]
    depth: float = 0.0
    coverage: float = 0.0
    concentration: float = 1.0


NODE_MODELS["AccountSnapshot"] = AccountSnapshot
