"""The GraphQL schema: queries for account managers and coaches, mutations for everything a person
maintains, typed errors, audit, and limits (depth, aliases through fragments, tokens, page size)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from pydantic import ValidationError
from strawberry.extensions import AddValidationRules, MaskErrors, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import Info

from api import permissions as perm
from api.graphql import types as t
from api.graphql.inputs import (
    AccountFilter, AccountInput, ActivityInput, ChainMemberInput, CompetitorInput, DealCompetitorInput, DealFilter,
    DealInput, EmployeeInput, InfluenceInput, OrgUnitInput, StakeholderInput, TeamMemberInput, TieInput, WhatIfChangeInput,
)
from api.graphql.limits import MaxAliasesThroughFragments
from api.graphql.process import ProcessMutation, ProcessQuery
from api.service import warm_paths, what_if_report
from graph.access import add_note, audit_trail
from graph.queries import api as qapi
from graph.schema import Label, Rel
from graph.store import MAX_PAGE, Audit, decode_cursor, encode_cursor
from kam import models as m
from kam.errors import InvalidInput, KamError, NotFound

# ----------------------------------------------------------------------------- helpers


def _ctx(info: Info):
    return info.context


def _page(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise GraphQLError(f"first must be from 1 to {MAX_PAGE}, got {first}")


async def _run(fn: Callable[..., Any], *args, **kw) -> Any:
    return await asyncio.to_thread(fn, *args, **kw)


def _audit(info: Info, action: str, label: str, target_id: str, changes: Any) -> Audit:
    p = _ctx(info).principal
    data = changes.model_dump(mode="json") if hasattr(changes, "model_dump") else changes
    return Audit(p.name, p.role, action, label, target_id, data)


# ----------------------------------------------------------------------------- queries


@strawberry.type
class Query:
    @strawberry.field(description="One account: people, org chart, deals, our ties, relationship score.")
    async def account(self, info: Info, id: str) -> t.AccountResult:
        ctx = _ctx(info)

        def body():
            perm.check_read_account(ctx.store.db, ctx.principal, id)
            return t.Account.from_pydantic(ctx.store.get(Label.Account, id))

        return await t.typed(body)

    @strawberry.field(description="Accounts in your scope, filtered and cursor-paginated (at most 500 a page).")
    async def accounts(self, info: Info, filter: AccountFilter | None = None, first: int = 50,
                       after: str | None = None) -> t.AccountConnection:
        _page(first)
        ctx, f = _ctx(info), filter or AccountFilter()

        def body():
            industries = [f.industry] if f.industry else None
            if f.sector:
                sector_ind = ctx.store.db.run_read(qapi.INDUSTRIES_OF_SECTOR, sector=f.sector)[0]["ids"]
                industries = [i for i in sector_ind if industries is None or i in industries]
            rows = ctx.store.db.run_read(
                qapi.SEARCH_ACCOUNTS, after=decode_cursor(after), industries_f=industries, office=f.office,
                tier=f.tier.value if f.tier else None, text=f.text.lower() if f.text else None, updated_since=None,
                limit=first + 1, **ctx.principal.scope_params())
            nodes = [t.Account.from_pydantic(m.Account.from_props(r["n"])) for r in rows[:first]]
            more = len(rows) > first
            return t.AccountConnection(nodes=nodes, page_info=t.PageInfo(
                has_next_page=more, end_cursor=encode_cursor(nodes[-1].id) if nodes and more else None))

        try:
            return await _run(body)
        except InvalidInput as exc:
            raise GraphQLError(str(exc)) from exc

    @strawberry.field(description="One deal: chain, analysis, competitors, team.")
    async def deal(self, info: Info, id: str) -> t.DealResult:
        ctx = _ctx(info)

        def body():
            perm.check_read_deal(ctx.store.db, ctx.principal, id)
            return t.Deal.of(ctx.store.get_props(Label.Deal, id))

        return await t.typed(body)

    @strawberry.field(description="Deals in your scope, filtered and cursor-paginated (at most 500 a page).")
    async def deals(self, info: Info, filter: DealFilter | None = None, first: int = 50,
                    after: str | None = None) -> t.DealConnection:
        _page(first)
        ctx, f = _ctx(info), filter or DealFilter()

        def body():
            rows = ctx.store.db.run_read(
                qapi.SEARCH_DEALS, after=decode_cursor(after), stage=f.stage.value if f.stage else None,
                grade=f.grade.value if f.grade else None, status=f.status.value if f.status else None,
                account=f.account, owner=f.owner, office=f.office, industry=f.industry, min_score=f.min_score,
                max_score=f.max_score, updated_since=None, limit=first + 1, **ctx.principal.scope_params())
            nodes = [t.Deal.of(r["n"]) for r in rows[:first]]
            more = len(rows) > first
            return t.DealConnection(nodes=nodes, page_info=t.PageInfo(
                has_next_page=more, end_cursor=encode_cursor(nodes[-1].id) if nodes and more else None))

        try:
            return await _run(body)
        except InvalidInput as exc:
            raise GraphQLError(str(exc)) from exc

    @strawberry.field(description="Routes from our employees to a stakeholder, strongest first.")
    async def warm_paths(self, info: Info, stakeholder_id: str, first: int = 10) -> t.WarmPathsResult:
        ctx = _ctx(info)
        _page(first)

        def body():
            s = ctx.store.get(Label.Stakeholder, stakeholder_id)
            perm.check_read_account(ctx.store.db, ctx.principal, s.account_id)
            paths = warm_paths(ctx.store, stakeholder_id, ctx.method, ctx.today, first)
            return t.WarmPaths(paths=[t.WarmPathType.of(p) for p in paths])

        return await t.typed(body)

    @strawberry.field(description="The deal's score with hypothetical changes, and the difference per member.")
    async def what_if(self, info: Info, deal_id: str, changes: list[WhatIfChangeInput]) -> t.WhatIfOutcome:
        ctx = _ctx(info)

        def body():
            items = []
            problems = []
            for i, c in enumerate(changes, start=1):
                try:
                    items.append(c.to_pydantic())
                except ValidationError as exc:
                    problems += InvalidInput.from_validation_error(exc, row=i).problems
            if problems:
                raise InvalidInput(problems, "what-if changes")
            perm.check_read_deal(ctx.store.db, ctx.principal, deal_id)
            return t.WhatIfResult.of(what_if_report(ctx.store, deal_id, items, ctx.method, ctx.today))

        return await t.typed(body)

    @strawberry.field(description="One of our employees, with influence.")
    async def employee(self, info: Info, id: str) -> t.EmployeeResult:
        ctx = _ctx(info)
        return await t.typed(lambda: t.Employee.from_pydantic(ctx.store.get(Label.Employee, id)))

    @strawberry.field(description="Open deals in your scope: counts and amounts by stage and grade, average score, deals at risk.")
    async def portfolio(self, info: Info, office: str | None = None, industry: str | None = None) -> t.Portfolio:
        ctx = _ctx(info)

        def body():
            rows = ctx.store.db.run_read(qapi.PORTFOLIO_SUMMARY, office=office, industry=industry,
                                         **ctx.principal.scope_params())
            return _portfolio(rows)

        return await _run(body)

    @strawberry.field(description="Who changed what and when (admin and coach).")
    async def audit_trail(self, info: Info, object_id: str | None = None, actor: str | None = None, first: int = 50,
                          after: str | None = None) -> list[t.AuditEntry]:
        ctx = _ctx(info)
        _page(first)
        if ctx.principal.role not in ("admin", "coach"):
            raise GraphQLError("only admin and coach read the audit trail")
        rows = await _run(audit_trail, ctx.store.db, object_id, actor, first, after)
        return [t.AuditEntry(**{k: r.get(k) for k in ("id", "at", "actor", "role", "action", "target_label",
                                                     "target_id", "changes")}) for r in rows]


def _portfolio(rows: list[dict]) -> t.Portfolio:
    by_stage: dict[str, list[float]] = {}
    by_grade: dict[str, list[float]] = {}
    deals = amount = weighted = at_risk = 0.0
    score_sum = score_n = 0.0
    for r in rows:
        for table, key in ((by_stage, r["stage"]), (by_grade, r["grade"] or "-")):
            b = table.setdefault(key, [0, 0.0, 0.0])
            b[0] += r["deals"]
            b[1] += r["amount"] or 0
            b[2] += r["weighted"] or 0
        deals += r["deals"]
        amount += r["amount"] or 0
        weighted += r["weighted"] or 0
        at_risk += r["at_risk"] or 0
        if r["avg_score"] is not None:
            score_sum += r["avg_score"] * r["deals"]
            score_n += r["deals"]
    order = {s.value: i for i, s in enumerate(m.DealStage)}
    return t.Portfolio(
        deals=int(deals), amount=amount, weighted_amount=weighted, average_score=score_sum / score_n if score_n else None,
        deals_at_risk=int(at_risk),
        by_stage=[t.PortfolioBucket(key=k, deals=int(v[0]), amount=v[1], weighted_amount=v[2])
                  for k, v in sorted(by_stage.items(), key=lambda kv: order.get(kv[0], 99))],
        by_grade=[t.PortfolioBucket(key=k, deals=int(v[0]), amount=v[1], weighted_amount=v[2])
                  for k, v in sorted(by_grade.items())],
    )


# ----------------------------------------------------------------------------- mutations


def _write_node(info: Info, label: Label, inp: Any, check: Callable[[Any], None], out: Callable[[Any], Any],
                prepare: Callable[[Any], Any] = lambda item: item) -> Any:
    ctx = _ctx(info)

    def body():
        item = t.model_of(inp)
        check(item)
        item = prepare(item)
        ctx.store.upsert_nodes(label, [item], audit=_audit(info, "upsert", label.value, item.id, item))
        return out(item)

    return t.typed(body)


def _write_edge(info: Info, rel: Rel, inp: Any, check: Callable[[Any], None], out: Callable[[Any], Any]) -> Any:
    ctx = _ctx(info)

    def body():
        item = t.model_of(inp)
        check(item)
        spec_key = "|".join(str(v) for v in list(item.model_dump().values())[:2])
        ctx.store.upsert_edges(rel, [item], audit=_audit(info, "set", rel.value, spec_key, item))
        return out(item)

    return t.typed(body)


def _remove_edge(info: Info, rel: Rel, src: str, dst: str, check: Callable[[], None]) -> Any:
    ctx = _ctx(info)

    def body():
        check()
        n = ctx.store.delete_edges(rel, [(src, dst)], audit=_audit(info, "remove", rel.value, f"{src}|{dst}", {}))
        if not n:
            raise NotFound(rel.value, f"{src}->{dst}")
        return t.Removed(removed=n)

    return t.typed(body)


def _account_of_stakeholder(ctx, sid: str) -> str:
    return ctx.store.get(Label.Stakeholder, sid).account_id


TieResult = t.result_union("TieResult", t.Tie)
ChainMemberResult = t.result_union("ChainMemberResult", t.ChainMembership)
InfluenceResult = t.result_union("InfluenceResult", t.InfluenceEdge)
TeamMemberResult = t.result_union("TeamMemberResult", t.TeamMembership)
DealCompetitorResult = t.result_union("DealCompetitorResult", t.DealCompetitorEdge)
RemovalResult = t.result_union("RemovalResult", t.Removed)
OrgUnitResult = t.result_union("OrgUnitResult", t.OrgUnit)
StakeholderResult = t.result_union("StakeholderResult", t.Stakeholder)
CompetitorResult = t.result_union("CompetitorResult", t.Competitor)
ActivityResult = t.result_union("ActivityResult", t.Activity)
NoteResult = t.result_union("NoteResult", t.CoachingNote)


@strawberry.type
class DeleteReport:
    deleted: strawberry.scalars.JSON


DeleteResult = t.result_union("DeleteResult", DeleteReport)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create or update an account (admin; a manager on one of its deal teams may update it).")
    async def upsert_account(self, info: Info, input: AccountInput) -> t.AccountResult:
        ctx = _ctx(info)

        def check(a):
            if ctx.principal.role == "admin":
                return
            if ctx.store.missing_ids(Label.Account, [a.id]):
                perm.check_admin(ctx.principal, "create accounts")
            perm.check_write_account(ctx.store.db, ctx.principal, a.id)

        return await _write_node(info, Label.Account, input, check, t.Account.from_pydantic)

    @strawberry.mutation(description="Create or update a department of an account.")
    async def upsert_org_unit(self, info: Info, input: OrgUnitInput) -> OrgUnitResult:
        ctx = _ctx(info)
        return await _write_node(info, Label.OrgUnit, input,
                                 lambda u: perm.check_write_account(ctx.store.db, ctx.principal, u.account_id),
                                 t.OrgUnit.from_pydantic)

    @strawberry.mutation(description="Create or update a stakeholder.")
    async def upsert_stakeholder(self, info: Info, input: StakeholderInput) -> StakeholderResult:
        ctx = _ctx(info)
        return await _write_node(info, Label.Stakeholder, input,
                                 lambda s: perm.check_write_account(ctx.store.db, ctx.principal, s.account_id),
                                 t.Stakeholder.from_pydantic)

    @strawberry.mutation(description="Create or update one of our employees (admin).")
    async def upsert_employee(self, info: Info, input: EmployeeInput) -> t.EmployeeResult:
        ctx = _ctx(info)
        return await _write_node(info, Label.Employee, input, lambda e: perm.check_admin(ctx.principal, "change employees"),
                                 t.Employee.from_pydantic)

    @strawberry.mutation(description="Create or update a deal (a manager: deals of accounts where they are on a team).")
    async def upsert_deal(self, info: Info, input: DealInput) -> t.DealResult:
        ctx = _ctx(info)

        def check(d):
            if ctx.store.missing_ids(Label.Deal, [d.id]):
                perm.check_write_account(ctx.store.db, ctx.principal, d.account_id)
            else:
                perm.check_write_deal(ctx.store.db, ctx.principal, d.id)

        def with_grade(d):
            # the grade follows the amount, solution line and partner flag unless it was set by hand
            from api.process_service import computed_grade
            from kam.process import default_process

            plan = ctx.store.get_many(Label.DealPlan, [d.id]).get(d.id)
            return d.model_copy(update={"grade": computed_grade(d, plan, default_process())[0]})

        return await _write_node(info, Label.Deal, input, check,
                                 lambda d: t.Deal.of(ctx.store.get_props(Label.Deal, d.id)), prepare=with_grade)

    @strawberry.mutation(description="Create or update a competitor (admin).")
    async def upsert_competitor(self, info: Info, input: CompetitorInput) -> CompetitorResult:
        ctx = _ctx(info)
        return await _write_node(info, Label.Competitor, input,
                                 lambda c: perm.check_admin(ctx.principal, "change competitors"), t.Competitor.from_pydantic)

    @strawberry.mutation(description="Record an activity with stakeholders.")
    async def record_activity(self, info: Info, input: ActivityInput) -> ActivityResult:
        ctx = _ctx(info)

        def check(a):
            for sid in a.stakeholder_ids:
                perm.check_write_account(ctx.store.db, ctx.principal, _account_of_stakeholder(ctx, sid))

        return await _write_node(info, Label.Activity, input, check, t.Activity.from_pydantic)

    @strawberry.mutation(description="Set an employee's tie to a stakeholder (closeness 0..4).")
    async def set_tie(self, info: Info, input: TieInput) -> TieResult:
        ctx = _ctx(info)
        return await _write_edge(
            info, Rel.KNOWS, input,
            lambda k: perm.check_write_account(ctx.store.db, ctx.principal, _account_of_stakeholder(ctx, k.stakeholder_id)),
            t.Tie.from_pydantic)

    @strawberry.mutation
    async def remove_tie(self, info: Info, employee_id: str, stakeholder_id: str) -> RemovalResult:
        ctx = _ctx(info)
        return await _remove_edge(info, Rel.KNOWS, employee_id, stakeholder_id, lambda: perm.check_write_account(
            ctx.store.db, ctx.principal, _account_of_stakeholder(ctx, stakeholder_id)))

    @strawberry.mutation(description="Add a stakeholder to a deal's decision chain, or update the assessment.")
    async def set_chain_member(self, info: Info, input: ChainMemberInput) -> ChainMemberResult:
        ctx = _ctx(info)
        return await _write_edge(info, Rel.IN_CHAIN, input,
                                 lambda c: perm.check_write_deal(ctx.store.db, ctx.principal, c.deal_id),
                                 t.ChainMembership.from_pydantic)

    @strawberry.mutation
    async def remove_chain_member(self, info: Info, stakeholder_id: str, deal_id: str) -> RemovalResult:
        ctx = _ctx(info)
        return await _remove_edge(info, Rel.IN_CHAIN, stakeholder_id, deal_id,
                                  lambda: perm.check_write_deal(ctx.store.db, ctx.principal, deal_id))

    @strawberry.mutation(description="Set who influences whom, with strength in (0, 1].")
    async def set_influence(self, info: Info, input: InfluenceInput) -> InfluenceResult:
        ctx = _ctx(info)

        def check(e):
            for sid in (e.source_id, e.target_id):
                perm.check_write_account(ctx.store.db, ctx.principal, _account_of_stakeholder(ctx, sid))

        return await _write_edge(info, Rel.INFLUENCES, input, check, t.InfluenceEdge.from_pydantic)

    @strawberry.mutation
    async def remove_influence(self, info: Info, source_id: str, target_id: str) -> RemovalResult:
        ctx = _ctx(info)
        return await _remove_edge(info, Rel.INFLUENCES, source_id, target_id, lambda: perm.check_write_account(
            ctx.store.db, ctx.principal, _account_of_stakeholder(ctx, target_id)))

    @strawberry.mutation(description="Put an employee on a deal team.")
    async def set_team_member(self, info: Info, input: TeamMemberInput) -> TeamMemberResult:
        ctx = _ctx(info)
        return await _write_edge(info, Rel.ON_TEAM, input,
                                 lambda x: perm.check_write_deal(ctx.store.db, ctx.principal, x.deal_id),
                                 t.TeamMembership.from_pydantic)

    @strawberry.mutation
    async def remove_team_member(self, info: Info, employee_id: str, deal_id: str) -> RemovalResult:
        ctx = _ctx(info)
        return await _remove_edge(info, Rel.ON_TEAM, employee_id, deal_id,
                                  lambda: perm.check_write_deal(ctx.store.db, ctx.principal, deal_id))

    @strawberry.mutation(description="Record a competitor in a deal.")
    async def set_deal_competitor(self, info: Info, input: DealCompetitorInput) -> DealCompetitorResult:
        ctx = _ctx(info)
        return await _write_edge(info, Rel.COMPETES_IN, input,
                                 lambda x: perm.check_write_deal(ctx.store.db, ctx.principal, x.deal_id),
                                 t.DealCompetitorEdge.from_pydantic)

    @strawberry.mutation
    async def remove_deal_competitor(self, info: Info, competitor_id: str, deal_id: str) -> RemovalResult:
        ctx = _ctx(info)
        return await _remove_edge(info, Rel.COMPETES_IN, competitor_id, deal_id,
                                  lambda: perm.check_write_deal(ctx.store.db, ctx.principal, deal_id))

    @strawberry.mutation(description="Delete a deal with its chain, team and competitor edges.")
    async def delete_deal(self, info: Info, id: str) -> DeleteResult:
        ctx = _ctx(info)

        def body():
            perm.check_write_deal(ctx.store.db, ctx.principal, id)
            r = ctx.store.delete(Label.Deal, id, audit=_audit(info, "delete", "Deal", id, {}))
            return DeleteReport(deleted=r.deleted)

        return await t.typed(body)

    @strawberry.mutation(description="Delete an account (admin); refused while it has deals or people unless force.")
    async def delete_account(self, info: Info, id: str, force: bool = False) -> DeleteResult:
        ctx = _ctx(info)

        def body():
            perm.check_admin(ctx.principal, "delete accounts")
            r = ctx.store.delete(Label.Account, id, force=force, audit=_audit(info, "delete", "Account", id, {"force": force}))
            return DeleteReport(deleted=r.deleted)

        return await t.typed(body)

    @strawberry.mutation(description="Add a coaching note or an action suggestion to a deal (coach, admin, the deal team).")
    async def add_coaching_note(self, info: Info, deal_id: str, text: str, kind: str = "note") -> NoteResult:
        ctx = _ctx(info)

        def body():
            perm.check_note(ctx.store.db, ctx.principal, deal_id)
            n = add_note(ctx.store.db, deal_id, kind, text, ctx.principal.name,
                         audit=_audit(info, "note", "Deal", deal_id, {"kind": kind, "text": text}))
            return t.CoachingNote(**{k: n.get(k) for k in ("id", "deal_id", "kind", "text", "author", "created_at")})

        return await t.typed(body)


def _mask(error: GraphQLError) -> bool:
    """Hide unexpected errors' details; our own messages (limits, validation) stay readable."""
    original = getattr(error, "original_error", None)
    return original is not None and not isinstance(original, (GraphQLError, KamError))


def build_schema(settings) -> strawberry.Schema:
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesThroughFragments(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: MaskErrors(should_mask_error=_mask, error_message="internal error"),
    ]
    if not settings.graphql_introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    from strawberry.tools import merge_types

    return strawberry.Schema(query=merge_types("Query", (Query, ProcessQuery)),
                             mutation=merge_types("Mutation", (Mutation, ProcessMutation)), extensions=extensions)
