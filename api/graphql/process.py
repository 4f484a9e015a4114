"""GraphQL for the sales process: a deal's process view, gate-checked moves, the win plan, reviews,
presales effort, leads, forecast and KPIs (same roles and audit as the rest of the API)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.types import Info

from api import process_service as ps
from api.graphql import types as t
from api.graphql.inputs import ChainMemberInput, DealInput
from kam import models as m
from kam.process import default_process


@strawberry.type(description="A stage the deal may move to next, and what its gate still misses.")
class NextStage:
    stage: m.DealStage
    ready: bool
    missing: list[t.MissingItem]


@pydantic_type(model=m.Action, all_fields=True, description="An action of the action plan.")
class ActionType:
    pass


@pydantic_type(model=m.Review, all_fields=True, description="A review or approval.")
class ReviewType:
    pass


@pydantic_type(model=m.StageChange, all_fields=True, description="An entry of the stage history.")
class StageChangeType:
    pass


@pydantic_type(model=m.Violation, all_fields=True, description="An overridden gate.")
class ViolationType:
    pass


@pydantic_type(model=m.Effort, all_fields=True, description="Presales effort.")
class EffortType:
    pass


@strawberry.type
class ProcessRisk:
    code: str
    rule: str


@strawberry.type(description="The win plan (赢单四部曲): think, analyse, decide, act.")
class WinPlan:
    questionnaire_score: float
    questionnaire_complete: bool
    answered_at: dt.date | None
    answers: list[str]
    strategy: str | None
    strategy_notes: str | None
    artifacts: list[str]
    competitors: list[t.DealCompetitor]
    actions: list[ActionType]
    open_actions: int
    done_actions: int


@strawberry.type(description="Where the deal stands in the sales process and what blocks its next stage.")
class DealProcessType:
    grade: m.Grade
    grade_source: str = strawberry.field(description="manual, partner_led, amount or stored.")
    path: str = strawberry.field(description="full, fast_track or partner.")
    stage: m.DealStage
    stage_label_en: str
    stage_label_zh: str
    stage_probability: float
    next_stages: list[NextStage]
    win_plan: WinPlan
    reviews: list[ReviewType]
    risks: list[ProcessRisk]
    presales_hours: float
    presales_cost: float
    presales_cost_ratio: float | None
    win_probability: float | None
    forecast_by_win_probability: float = strawberry.field(description="amount × win probability (open deals).")
    forecast_by_stage: float = strawberry.field(description="amount × stage probability (open deals).")
    stage_history: list[StageChangeType]
    violations: list[ViolationType]

    @staticmethod
    def of(v: ps.DealProcess) -> "DealProcessType":
        proc = default_process()
        plan = v.plan
        label = proc.stages.labels[v.deal.stage]
        comps = [t.DealCompetitor(competitor_id=x["id"], name=x["name"], name_en=x.get("name_en"),
                                  position=x["c"].get("position", "unknown"), strengths=x["c"].get("strengths"),
                                  weaknesses=x["c"].get("weaknesses")) for x in v.competitors]
        return DealProcessType(
            grade=v.grade, grade_source=v.grade_source, path=v.path, stage=v.deal.stage, stage_label_en=label.en,
            stage_label_zh=label.zh, stage_probability=v.stage_probability,
            next_stages=[NextStage(stage=x.stage, ready=not x.missing,
                                   missing=[t.MissingItem(code=i.code, kind=i.kind, en=i.en, zh=i.zh) for i in x.missing])
                         for x in v.targets],
            win_plan=WinPlan(
                questionnaire_score=v.questionnaire_score, questionnaire_complete=v.questionnaire_complete,
                answered_at=plan.answered_at if plan else None, answers=list(plan.answers) if plan else [],
                strategy=plan.strategy if plan else None, strategy_notes=plan.strategy_notes if plan else None,
                artifacts=list(plan.artifacts) if plan else [], competitors=comps,
                actions=[ActionType.from_pydantic(a) for a in v.actions],
                open_actions=sum(a.status == m.ActionStatus.open for a in v.actions),
                done_actions=sum(a.status == m.ActionStatus.done for a in v.actions)),
            reviews=[ReviewType.from_pydantic(r) for r in v.reviews],
            risks=[ProcessRisk(code=c, rule=r) for c, r in v.risks],
            presales_hours=v.hours, presales_cost=v.presales_cost, presales_cost_ratio=v.cost_ratio,
            win_probability=v.win_probability, forecast_by_win_probability=v.weighted_by_win_probability,
            forecast_by_stage=v.weighted_by_stage,
            stage_history=[StageChangeType.from_pydantic(h) for h in v.history],
            violations=[ViolationType.from_pydantic(x) for x in v.violations],
        )


@strawberry.type
class ForecastBucket:
    key: str
    deals: int
    amount: float
    weighted_by_win_probability: float
    weighted_by_stage: float


@strawberry.type
class PresalesBucket:
    key: str
    hours: float
    cost: float
    deals: int
    amount: float
    cost_ratio: float | None


@strawberry.type
class Kpi:
    employee_id: str
    score: float
    signed_amount: float
    collections: float
    account_score_change: float
    opportunities: int


@strawberry.input
class AnswerInput:
    question: str
    value: int


@pydantic_input(model=m.Action, all_fields=True)
class ActionInput:
    pass


@pydantic_input(model=m.Review, all_fields=True)
class ReviewInput:
    pass


@pydantic_input(model=m.Effort, all_fields=True)
class EffortInput:
    pass


@pydantic_input(model=m.Collection, all_fields=True)
class CollectionInput:
    pass


@pydantic_input(model=m.Lead, all_fields=True)
class LeadInput:
    pass


ProcessResult = Annotated[DealProcessType | t.GateBlockedError | t.NotFoundError | t.InvalidInputError | t.ForbiddenError
                          | t.ConflictError, strawberry.union("ProcessResult")]
RecordResult = t.result_union("RecordResult", t.Removed)
LeadResult = t.result_union("LeadResult", t.Deal)


def _ctx(info: Info):
    return info.context


async def _record(info: Info, inp) -> ProcessResult:
    """Validate and record an action, review, effort entry or collection; answer with the deal's process view."""
    ctx = _ctx(info)

    def body():
        item = t.model_of(inp)
        ps.record(ctx.store, ctx.principal, item)
        return _view(ctx, item.deal_id)

    return await t.typed(body)


def _view(ctx, deal_id: str) -> DealProcessType:
    return DealProcessType.of(ps.deal_process(ctx.store, deal_id, ctx.method, default_process(), ctx.today))


@strawberry.type
class ProcessQuery:
    @strawberry.field(description="Where a deal stands: grade, stage, what blocks the next stage, win plan, presales cost, forecast.")
    async def deal_process(self, info: Info, deal_id: str) -> ProcessResult:
        from api import permissions as perm

        ctx = _ctx(info)

        def body():
            perm.check_read_deal(ctx.store.db, ctx.principal, deal_id)
            return _view(ctx, deal_id)

        return await t.typed(body)

    @strawberry.field(description="Weighted pipeline of open deals in your scope, by month, solution_line, office or industry.")
    async def forecast(self, info: Info, by: str = "month") -> list[ForecastBucket]:
        ctx = _ctx(info)
        rows = await asyncio.to_thread(ps.forecast_view, ctx.store, ctx.principal, by, default_process())
        return [ForecastBucket(**r) for r in rows]

    @strawberry.field(description="Presales cost (售前费用) by office or industry.")
    async def presales_cost(self, info: Info, by: str = "office") -> list[PresalesBucket]:
        ctx = _ctx(info)
        rows = await asyncio.to_thread(ps.presales_view, ctx.store, ctx.principal, by, default_process())
        return [PresalesBucket(**r) for r in rows]

    @strawberry.field(description="KPIs per employee for [start, end), optionally of one office.")
    async def kpis(self, info: Info, start: dt.date, end: dt.date, office: str | None = None) -> list[Kpi]:
        ctx = _ctx(info)
        rows = await asyncio.to_thread(ps.kpi_view, ctx.store, start, end, office, default_process())
        return [Kpi(employee_id=r["employee_id"], score=r["score"], signed_amount=r["signed_amount"],
                    collections=r["collections"], account_score_change=r["account_score_change"],
                    opportunities=r["opportunities"]) for r in rows]


@strawberry.type
class ProcessMutation:
    @strawberry.mutation(description="Move a deal to a stage: checks the gate and answers with every missing item; "
                                     "override (admin, office head, industry director) needs a reason and is recorded as a violation.")
    async def advance_deal(self, info: Info, deal_id: str, to_stage: m.DealStage, override: bool = False,
                           reason: str | None = None) -> ProcessResult:
        ctx = _ctx(info)
        return await t.typed(lambda: DealProcessType.of(ps.advance_deal(
            ctx.store, ctx.principal, deal_id, to_stage, ctx.method, default_process(), ctx.today, override=override,
            reason=reason)))

    @strawberry.mutation(description="Close a deal as won, lost or abandoned (recorded in the stage history).")
    async def close_deal(self, info: Info, deal_id: str, status: m.DealStatus, reason: str | None = None) -> ProcessResult:
        ctx = _ctx(info)
        return await t.typed(lambda: DealProcessType.of(ps.close_deal(
            ctx.store, ctx.principal, deal_id, status, reason, ctx.method, default_process(), ctx.today)))

    @strawberry.mutation(description="Set a grade by hand (a reason is required and audited); null goes back to the computed grade.")
    async def set_deal_grade(self, info: Info, deal_id: str, grade: m.Grade | None, reason: str | None = None) -> ProcessResult:
        ctx = _ctx(info)

        def body():
            ps.set_grade(ctx.store, ctx.principal, deal_id, grade, reason, default_process())
            return _view(ctx, deal_id)

        return await t.typed(body)

    @strawberry.mutation(description="Update the win plan: questionnaire answers (0..4), strategy, notes, done artifacts.")
    async def update_win_plan(self, info: Info, deal_id: str, answers: list[AnswerInput] | None = None,
                              strategy: str | None = None, strategy_notes: str | None = None,
                              artifacts: list[str] | None = None) -> ProcessResult:
        ctx = _ctx(info)

        def body():
            ps.update_plan(ctx.store, ctx.principal, deal_id, default_process(),
                           answers={a.question: a.value for a in answers} if answers is not None else None,
                           strategy=strategy, strategy_notes=strategy_notes, artifacts=artifacts)
            return _view(ctx, deal_id)

        return await t.typed(body)

    @strawberry.mutation(description="Create or update an action of the action plan.")
    async def upsert_action(self, info: Info, input: ActionInput) -> ProcessResult:
        return await _record(info, input)

    @strawberry.mutation(description="Record a commercial review, technical review or bid approval.")
    async def record_review(self, info: Info, input: ReviewInput) -> ProcessResult:
        return await _record(info, input)

    @strawberry.mutation(description="Log presales effort (hours by role).")
    async def log_effort(self, info: Info, input: EffortInput) -> ProcessResult:
        return await _record(info, input)

    @strawberry.mutation(description="Record money collected on a deal.")
    async def record_collection(self, info: Info, input: CollectionInput) -> ProcessResult:
        return await _record(info, input)

    @strawberry.mutation(description="Create or update a lead (qualify it with status: qualified).")
    async def upsert_lead(self, info: Info, input: LeadInput) -> RecordResult:
        from api import permissions as perm
        from graph.schema import Label
        from graph.store import Audit

        ctx = _ctx(info)

        def body():
            lead = t.model_of(input)
            if lead.account_id:
                perm.check_write_account(ctx.store.db, ctx.principal, lead.account_id)
            else:
                perm.check_admin(ctx.principal, "create leads without an account")
            p = ctx.principal
            ctx.store.upsert_nodes(Label.Lead, [lead], audit=Audit(p.name, p.role, "upsertLead", "Lead", lead.id,
                                                                   lead.model_dump(mode="json")))
            return t.Removed(removed=0)

        return await t.typed(body)

    @strawberry.mutation(description="Convert a lead into a deal in stage 1 with its account and first chain members.")
    async def convert_lead(self, info: Info, lead_id: str, deal: DealInput, members: list[ChainMemberInput]) -> LeadResult:
        ctx = _ctx(info)

        def body():
            d = t.model_of(deal)
            ms = [t.model_of(x) for x in members]
            created = ps.convert_lead(ctx.store, ctx.principal, lead_id, d, ms, default_process())
            from graph.schema import Label

            return t.Deal.of(ctx.store.get_props(Label.Deal, created.id))

        return await t.typed(body)

