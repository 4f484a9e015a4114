"""GraphQL output types. Domain types are built from the pydantic models (every field keeps its
description); relations resolve through the request's DataLoaders; scores come from scoring."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.types import Info

from kam import models as m
from kam.errors import Conflict, Forbidden, GateBlocked, InvalidInput, KamError, NotFound, ServerError
from scoring.account import AccountScore, EmployeeInfluence
from scoring.deal import DealScore
from scoring.paths import WarmPath
from scoring.whatif import WhatIf

# ----------------------------------------------------------------------------- errors


@strawberry.type(description="The object does not exist.")
class NotFoundError:
    message: str
    type: str
    id: str


@strawberry.type(description="One thing wrong with the input.")
class Problem:
    field: str
    message: str
    row: int | None = None


@strawberry.type(description="The input is invalid; nothing was written.")
class InvalidInputError:
    message: str
    problems: list[Problem]


@strawberry.type(description="Your role does not allow this.")
class ForbiddenError:
    message: str


@strawberry.type(description="The change is valid but the current state forbids it.")
class ConflictError:
    message: str


@strawberry.type(description="A gate item that is not there yet (code, kind, and its label in en and zh).")
class MissingItem:
    code: str
    kind: str
    en: str
    zh: str


@strawberry.type(description="The gate refused the move: every missing item.")
class GateBlockedError:
    message: str
    target: str
    missing: list[MissingItem]


def error_of(exc: KamError):
    """The typed GraphQL error for a domain error (raised again when it is not one we type)."""
    if isinstance(exc, NotFound):
        return NotFoundError(message=str(exc), type=exc.label, id=exc.id)
    if isinstance(exc, InvalidInput):
        return InvalidInputError(message=str(exc), problems=[Problem(field=p.field, message=p.message, row=p.row)
                                                            for p in exc.problems])
    if isinstance(exc, Forbidden):
        return ForbiddenError(message=str(exc))
    if isinstance(exc, Conflict):
        return ConflictError(message=str(exc))
    if isinstance(exc, GateBlocked):
        return GateBlockedError(message=str(exc), target=exc.target,
                                missing=[MissingItem(code=i.code, kind=i.kind, en=i.en, zh=i.zh) for i in exc.missing])
    raise exc


async def typed(fn) -> Any:
    """Run a resolver body in a worker thread; domain errors become typed GraphQL errors."""
    import asyncio

    try:
        return await asyncio.to_thread(fn)
    except ServerError:
        raise
    except KamError as exc:
        return error_of(exc)


def model_of(inp: Any) -> Any:
    """The pydantic model of a GraphQL input; a validation error becomes ``InvalidInput``."""
    from pydantic import ValidationError

    try:
        return inp.to_pydantic()
    except ValidationError as exc:
        raise InvalidInput.from_validation_error(exc) from exc


def result_union(name: str, t: type) -> Any:
    return Annotated[t | NotFoundError | InvalidInputError | ForbiddenError | ConflictError, strawberry.union(name)]


# ----------------------------------------------------------------------------- reference data


@pydantic_type(model=m.Sector, all_fields=True, description="行业板块: a sector.")
class Sector:
    pass


@pydantic_type(model=m.Industry, all_fields=True, description="子行业: an industry.")
class Industry:
    @strawberry.field(description="The sector it is part of.")
    async def sector(self, info: Info) -> Sector | None:
        s = await info.context.loaders.node["Sector"].load(self.sector_id) if self.sector_id else None
        return Sector.from_pydantic(s) if s else None


@pydantic_type(model=m.Office, all_fields=True, description="办事处: a regional office.")
class Office:
    pass


@pydantic_type(model=m.Partner, all_fields=True, description="集成商: an integrator.")
class Partner:
    pass


@pydantic_type(model=m.Competitor, all_fields=True, description="A competing vendor.")
class Competitor:
    pass


@pydantic_type(model=m.OrgUnit, all_fields=True, description="A department of a customer.")
class OrgUnit:
    pass


@pydantic_type(model=m.Stakeholder, all_fields=True, description="客户关键人: a person at a customer.")
class Stakeholder:
    pass


@pydantic_type(model=m.Activity, all_fields=True, description="A visit, meeting, demo, call, dinner or workshop.")
class Activity:
    pass


@pydantic_type(model=m.Knows, all_fields=True, description="An employee's tie to a stakeholder (KNOWS).")
class Tie:
    pass


@pydantic_type(model=m.ChainMember, all_fields=True, description="Decision-chain membership and assessment (IN_CHAIN).")
class ChainMembership:
    pass


@pydantic_type(model=m.Influence, all_fields=True, description="Who listens to whom (INFLUENCES).")
class InfluenceEdge:
    pass


@pydantic_type(model=m.TeamMember, all_fields=True, description="A deal-team membership (ON_TEAM).")
class TeamMembership:
    pass


@pydantic_type(model=m.CompetesIn, all_fields=True, description="A competitor in a deal (COMPETES_IN).")
class DealCompetitorEdge:
    pass


# ----------------------------------------------------------------------------- employees


@strawberry.type(description="An employee's influence (METHOD §4).")
class EmployeeInfluenceType:
    relationship_capital: float = strawberry.field(description="Σ c_eff · importance over the employee's ties.")
    pipeline_touched: float = strawberry.field(description="Σ amounts of distinct open deals where the employee knows a member.")
    deals_touched: list[str]
    share_by_account: list[AccountShare]


@strawberry.type
class AccountShare:
    account_id: str
    share: float


@pydantic_type(model=m.Employee, all_fields=True, description="One of our people.")
class Employee:
    @strawberry.field(description="Relationship capital, pipeline touched, share of each account's capital (in your scope).")
    async def influence(self, info: Info) -> EmployeeInfluenceType:
        import asyncio

        from api.service import employee_report

        ctx = info.context
        inf: EmployeeInfluence = await asyncio.to_thread(employee_report, ctx.store, self.id, ctx.method, ctx.today)
        shares = [AccountShare(account_id=a, share=v) for a, v in inf.share_by_account.items()]
        if not ctx.principal.reads_all:
            allowed = await _readable_accounts(ctx, [s.account_id for s in shares])
            shares = [s for s in shares if s.account_id in allowed]
        return EmployeeInfluenceType(relationship_capital=inf.relationship_capital, pipeline_touched=inf.pipeline_touched,
                                     deals_touched=list(inf.deals_touched), share_by_account=shares)


async def _readable_accounts(ctx, ids: list[str]) -> set[str]:
    accounts = [await ctx.loaders.node["Account"].load(i) for i in ids]
    return {a.id for a in accounts if a and ctx.principal.can_read_account(a.office_id, a.industry_id)}


# ----------------------------------------------------------------------------- scores


@strawberry.type(description="Someone whose attitude shapes a member's: a row of the propagation matrix.")
class InfluenceShare:
    stakeholder_id: str
    name: str
    share: float = strawberry.field(description="Share of the member's effective attitude that comes from this person.")
    innate_attitude: float


@strawberry.type(description="A decision-chain member's score and its inputs.")
class ChainMemberScore:
    stakeholder_id: str
    name: str
    role: m.ChainRole
    influence: int
    weight: float = strawberry.field(description="ω = role weight × influence / 5.")
    closeness: float = strawberry.field(description="c(v): the best decayed tie, 0..1.")
    closeness_via: str | None = strawberry.field(description="Employee holding that tie.")
    solution_acceptance: int
    price_acceptance: int
    innate_attitude: float
    effective_attitude: float = strawberry.field(description="x_v after propagation, -1..1.")
    br: float = strawberry.field(description="Business-relationship score 0..100.")
    contribution: float = strawberry.field(description="ω·BR / denominator; the members' contributions add up to the deal score.")
    stance: str
    favors_competitor: bool
    assessed_at: dt.date | None
    influenced_by: list[InfluenceShare]


@strawberry.type
class MissingRole:
    role: m.ChainRole
    weight: float = strawberry.field(description="Counted in the denominator as a member scoring 0.")


@strawberry.type
class Risk:
    code: str
    severity: str
    people: list[str]
    rule: str


@strawberry.type
class Blocker:
    code: str
    rule: str


@strawberry.type(description="射门: ready to push for the bid or close, with every reason that blocks it.")
class ShotReadiness:
    ready: bool
    blockers: list[Blocker]


@strawberry.type
class HiddenInfluencer:
    stakeholder_id: str
    name: str
    influences: str = strawberry.field(description="The member whose attitude they shape.")
    share: float


@strawberry.type
class NextAction:
    stakeholder_id: str
    name: str
    dimension: str
    current: float
    target: float
    gain: float = strawberry.field(description="Deal-score points gained by this one move.")


@strawberry.type(description="The deal's decision-chain score, explained.")
class DealAnalysis:
    score: float
    win_probability: float
    denominator: float
    members: list[ChainMemberScore]
    missing_roles: list[MissingRole]
    risks: list[Risk]
    shot: ShotReadiness
    hidden_influencers: list[HiddenInfluencer]
    next_actions: list[NextAction]

    @staticmethod
    def of(s: DealScore) -> "DealAnalysis":
        return DealAnalysis(
            score=s.score, win_probability=s.win_probability, denominator=s.denominator,
            members=[ChainMemberScore(
                stakeholder_id=x.stakeholder_id, name=x.name, role=x.role, influence=x.influence, weight=x.weight,
                closeness=x.closeness, closeness_via=x.closeness_via, solution_acceptance=x.solution_acceptance,
                price_acceptance=x.price_acceptance, innate_attitude=x.innate_attitude,
                effective_attitude=x.effective_attitude, br=x.br, contribution=x.contribution, stance=x.stance,
                favors_competitor=x.favors_competitor, assessed_at=x.assessed_at,
                influenced_by=[InfluenceShare(stakeholder_id=i.stakeholder_id, name=i.name, share=i.share,
                                              innate_attitude=i.innate_attitude) for i in x.influenced_by],
            ) for x in s.members],
            missing_roles=[MissingRole(role=r.role, weight=r.weight) for r in s.missing_roles],
            risks=[Risk(code=r.code, severity=r.severity, people=list(r.people), rule=r.rule) for r in s.risks],
            shot=ShotReadiness(ready=s.shot.ready, blockers=[Blocker(code=b.code, rule=b.rule) for b in s.shot.blockers]),
            hidden_influencers=[HiddenInfluencer(stakeholder_id=h.stakeholder_id, name=h.name, influences=h.influences,
                                                 share=h.share) for h in s.hidden_influencers],
            next_actions=[NextAction(stakeholder_id=a.stakeholder_id, name=a.name, dimension=a.dimension,
                                     current=a.current, target=a.target, gain=a.gain) for a in s.next_actions],
        )


@strawberry.type(description="The account relationship score and its parts.")
class AccountScoreType:
    score: float
    depth: float
    coverage: float
    concentration: float = strawberry.field(description="Herfindahl index of the employees' shares of relationship capital.")
    key_people: int
    top_employee: str | None
    top_share: float
    dependency_risk: bool = strawberry.field(description="One employee holds more than the configured share.")

    @staticmethod
    def of(a: AccountScore) -> "AccountScoreType":
        return AccountScoreType(score=a.score, depth=a.depth, coverage=a.coverage, concentration=a.concentration,
                                key_people=a.key_people, top_employee=a.top_employee, top_share=a.top_share,
                                dependency_risk=a.dependency_risk)


# ----------------------------------------------------------------------------- accounts and deals


@strawberry.type(description="A line of the org chart (REPORTS_TO).")
class ReportingLine:
    stakeholder_id: str
    reports_to_id: str


@strawberry.type(description="One of our employees' ties to a stakeholder of the account.")
class AccountTie:
    employee_id: str
    stakeholder_id: str
    closeness: int
    since: dt.date | None
    last_contact: dt.date | None

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        e = await info.context.loaders.node["Employee"].load(self.employee_id)
        return Employee.from_pydantic(e) if e else None


@pydantic_type(model=m.Account, all_fields=True, description="客户: a customer organisation.")
class Account:
    @strawberry.field
    async def industry(self, info: Info) -> Industry | None:
        x = await info.context.loaders.node["Industry"].load(self.industry_id) if self.industry_id else None
        return Industry.from_pydantic(x) if x else None

    @strawberry.field
    async def office(self, info: Info) -> Office | None:
        x = await info.context.loaders.node["Office"].load(self.office_id) if self.office_id else None
        return Office.from_pydantic(x) if x else None

    @strawberry.field(description="Key people with level and org unit.")
    async def stakeholders(self, info: Info) -> list[Stakeholder]:
        return [Stakeholder.from_pydantic(s) for s in await info.context.loaders.stakeholders_of_account.load(self.id)]

    @strawberry.field(description="Departments.")
    async def org_units(self, info: Info) -> list[OrgUnit]:
        return [OrgUnit.from_pydantic(u) for u in await info.context.loaders.org_units_of_account.load(self.id)]

    @strawberry.field(description="The org chart: who reports to whom.")
    async def org_chart(self, info: Info) -> list[ReportingLine]:
        people = await info.context.loaders.stakeholders_of_account.load(self.id)
        return [ReportingLine(stakeholder_id=s.id, reports_to_id=s.reports_to_id) for s in people if s.reports_to_id]

    @strawberry.field(description="Deals of the account.")
    async def deals(self, info: Info, status: m.DealStatus | None = None
                    ) -> list[Annotated["Deal", strawberry.lazy("api.graphql.types")]]:
        rows = await info.context.loaders.deals_of_account.load(self.id)
        deals = [Deal.of(r["n"]) for r in sorted(rows, key=lambda r: r["n"]["id"])]
        return [d for d in deals if status is None or d.status == status]

    @strawberry.field(description="Our employees' ties to the account's people.")
    async def ties(self, info: Info) -> list[AccountTie]:
        rows = await info.context.loaders.ties_of_account.load(self.id)
        out = []
        for r in rows:
            t = m.Knows.from_props({**r["k"], "employee_id": r["employee_id"], "stakeholder_id": r["stakeholder_id"]})
            out.append(AccountTie(employee_id=t.employee_id, stakeholder_id=t.stakeholder_id, closeness=t.closeness,
                                  since=t.since, last_contact=t.last_contact))
        return sorted(out, key=lambda t: (t.stakeholder_id, t.employee_id))

    @strawberry.field(description="The account relationship score with its parts.")
    async def relationship_score(self, info: Info) -> AccountScoreType | None:
        score = await info.context.loaders.account_score.load(self.id)
        return AccountScoreType.of(score) if score else None


@strawberry.type(description="A member of the deal team.")
class TeamMember:
    employee_id: str
    role: m.TeamRole

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        e = await info.context.loaders.node["Employee"].load(self.employee_id)
        return Employee.from_pydantic(e) if e else None


@strawberry.type(description="A competitor in the deal.")
class DealCompetitor:
    competitor_id: str
    name: str
    name_en: str | None
    position: str
    strengths: str | None
    weaknesses: str | None


@strawberry.type(description="A coaching note or action suggestion on a deal.")
class CoachingNote:
    id: str
    deal_id: str
    kind: str
    text: str
    author: str
    created_at: str


@strawberry.type(description="商机: an opportunity, with its decision chain and score.")
class Deal:
    id: str
    name: str
    name_en: str | None
    account_id: str
    amount: float = strawberry.field(description="Amount in CNY.")
    solution_line: str | None
    stage: m.DealStage
    grade: m.Grade | None
    expected_close: dt.date | None
    partner_led: bool
    partner_id: str | None
    owner_id: str | None
    status: m.DealStatus
    stored_score: float | None = strawberry.field(description="Score stored by the last portfolio rescoring.")
    stored_win_probability: float | None
    weighted_amount: float | None = strawberry.field(description="amount × stored win probability.")
    scored_at: str | None
    updated_at: str | None

    @staticmethod
    def of(props: dict) -> "Deal":
        d = m.Deal.from_props(props)
        p = props.get("win_probability")
        return Deal(id=d.id, name=d.name, name_en=d.name_en, account_id=d.account_id, amount=d.amount,
                    solution_line=d.solution_line, stage=d.stage, grade=d.grade, expected_close=d.expected_close,
                    partner_led=d.partner_led, partner_id=d.partner_id, owner_id=d.owner_id, status=d.status,
                    stored_score=props.get("score"), stored_win_probability=p,
                    weighted_amount=d.amount * p if p is not None else None, scored_at=props.get("scored_at"),
                    updated_at=props.get("updated_at"))

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        a = await info.context.loaders.node["Account"].load(self.account_id)
        return Account.from_pydantic(a) if a else None

    @strawberry.field
    async def owner(self, info: Info) -> Employee | None:
        e = await info.context.loaders.node["Employee"].load(self.owner_id) if self.owner_id else None
        return Employee.from_pydantic(e) if e else None

    @strawberry.field
    async def partner(self, info: Info) -> Partner | None:
        p = await info.context.loaders.node["Partner"].load(self.partner_id) if self.partner_id else None
        return Partner.from_pydantic(p) if p else None

    @strawberry.field(description="The deal team (sales, solution and delivery form the iron triangle).")
    async def team(self, info: Info) -> list[TeamMember]:
        rows = await info.context.loaders.team_of_deal.load(self.id)
        return sorted((TeamMember(employee_id=r["employee_id"], role=m.TeamRole(r["role"])) for r in rows),
                      key=lambda t: (t.role.value, t.employee_id))

    @strawberry.field
    async def competitors(self, info: Info) -> list[DealCompetitor]:
        rows = await info.context.loaders.competitors_of_deal.load(self.id)
        return sorted((DealCompetitor(competitor_id=r["competitor_id"], name=r["name"], name_en=r.get("name_en"),
                                      position=r["c"].get("position", "unknown"), strengths=r["c"].get("strengths"),
                                      weaknesses=r["c"].get("weaknesses")) for r in rows), key=lambda c: c.competitor_id)

    @strawberry.field(description="The live score: chain, contributions, risks, shot readiness, next actions, hidden influencers.")
    async def analysis(self, info: Info) -> DealAnalysis | None:
        s = await info.context.loaders.analysis.load(self.id)
        return DealAnalysis.of(s) if s else None

    @strawberry.field(description="Coaching notes and action suggestions.")
    async def notes(self, info: Info) -> list[CoachingNote]:
        return [CoachingNote(**{k: n.get(k) for k in ("id", "deal_id", "kind", "text", "author", "created_at")})
                for n in await info.context.loaders.notes.load(self.id)]


# ----------------------------------------------------------------------------- pages, summaries, what-if


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class AccountConnection:
    nodes: list[Account]
    page_info: PageInfo


@strawberry.type
class DealConnection:
    nodes: list[Deal]
    page_info: PageInfo


@strawberry.type
class WarmPathType:
    employee_id: str
    people: list[str] = strawberry.field(description="The stakeholder the employee knows first, the target last.")
    closeness: float
    strength: float = strawberry.field(description="Decayed closeness × the product of influence strengths.")
    hops: int

    @staticmethod
    def of(p: WarmPath) -> "WarmPathType":
        return WarmPathType(employee_id=p.employee_id, people=list(p.people), closeness=p.closeness,
                            strength=p.strength, hops=p.hops)


@strawberry.type
class MemberDelta:
    stakeholder_id: str
    name: str
    br_before: float | None
    br_after: float | None
    contribution_before: float
    contribution_after: float
    attitude_before: float | None
    attitude_after: float | None


@strawberry.type(description="The deal scored as it is and with hypothetical changes.")
class WhatIfResult:
    score_before: float
    score_after: float
    delta: float
    win_probability_before: float
    win_probability_after: float
    members: list[MemberDelta]
    after: DealAnalysis

    @staticmethod
    def of(w: WhatIf) -> "WhatIfResult":
        return WhatIfResult(
            score_before=w.before.score, score_after=w.after.score, delta=w.delta,
            win_probability_before=w.before.win_probability, win_probability_after=w.after.win_probability,
            members=[MemberDelta(stakeholder_id=d.stakeholder_id, name=d.name, br_before=d.br_before, br_after=d.br_after,
                                 contribution_before=d.contribution_before, contribution_after=d.contribution_after,
                                 attitude_before=d.attitude_before, attitude_after=d.attitude_after) for d in w.members],
            after=DealAnalysis.of(w.after),
        )


@strawberry.type
class PortfolioBucket:
    key: str
    deals: int
    amount: float
    weighted_amount: float = strawberry.field(description="Σ amount × stored win probability.")


@strawberry.type(description="Open deals in your scope, by stage and grade.")
class Portfolio:
    deals: int
    amount: float
    weighted_amount: float
    average_score: float | None
    deals_at_risk: int = strawberry.field(description="Scored deals with a high-severity risk that are not shot-ready.")
    by_stage: list[PortfolioBucket]
    by_grade: list[PortfolioBucket]


@strawberry.type
class AuditEntry:
    id: str
    at: str
    actor: str
    role: str
    action: str
    target_label: str
    target_id: str
    changes: strawberry.scalars.JSON


@strawberry.type
class Removed:
    removed: int


AccountResult = result_union("AccountResult", Account)
DealResult = result_union("DealResult", Deal)
EmployeeResult = result_union("EmployeeResult", Employee)


@strawberry.type
class WarmPaths:
    paths: list[WarmPathType]


WarmPathsResult = result_union("WarmPathsResult", WarmPaths)
WhatIfOutcome = result_union("WhatIfOutcome", WhatIfResult)
