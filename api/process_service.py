"""Use cases of the sales process (METHOD.md §5): the process view of a deal, moving it through the
gates, grades, the win plan, reviews, presales effort, leads, forecast and KPIs. Shared by GraphQL,
REST and the CLI; the graph layer reads and writes, ``scoring.process`` decides."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from api import permissions as perm
from graph.access import Principal
from graph.queries import process as qp
from graph.schema import Label
from graph.store import Audit, Store
from kam.errors import Forbidden, GateBlocked, InvalidInput, NotFound, Problem
from kam.method import Method
from kam.models import (
    Action, ChainMember, Collection, Deal, DealPlan, DealStage, DealStatus, Effort, Grade, Lead, LeadStatus, Review,
    StageChange, Violation,
)
from kam.process import Process
from scoring.deal import score_deal
from scoring.process import (
    ForecastRow, GateInputs, KpiInputs, MissingItem, allowed_targets, check_gate, forecast, grade_for, kpis,
    plan_risks, presales_cost, questionnaire_score,
)

__all__ = ["GateBlocked", "DealProcess", "deal_process", "advance_deal", "close_deal", "set_grade", "update_plan",
           "record", "convert_lead", "forecast_view", "presales_view", "kpi_view", "computed_grade"]


@dataclass
class Target:
    stage: DealStage
    missing: list[MissingItem]


@dataclass
class DealProcess:
    deal: Deal
    grade: Grade
    grade_source: str  # manual | partner_led | amount
    path: str
    stage_probability: float
    targets: list[Target]
    plan: DealPlan | None
    questionnaire_score: float
    questionnaire_complete: bool
    actions: list[Action]
    reviews: list[Review]
    competitors: list[dict]
    hours: float
    presales_cost: float
    cost_ratio: float | None
    risks: list[tuple[str, str]]
    history: list[StageChange]
    violations: list[Violation]
    win_probability: float | None
    weighted_by_win_probability: float
    weighted_by_stage: float
    extra: dict[str, Any] = field(default_factory=dict)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def computed_grade(deal: Deal, plan: DealPlan | None, process: Process) -> tuple[Grade, str]:
    if plan is not None and plan.manual_grade is not None:
        return plan.manual_grade, "manual"
    if deal.partner_led:
        return Grade.E, "partner_led"
    return grade_for(deal.amount, deal.solution_line, False, process), "amount"


def _inputs(data: dict, shot_ready: bool) -> GateInputs:
    competitors = sum(1 for x in data["competitors"]
                      if x["c"].get("position", "unknown") != "unknown" or x["c"].get("strengths") or x["c"].get("weaknesses"))
    return GateInputs(deal=data["deal"], plan=data["plan"], chain_roles=data["chain_roles"], shot_ready=shot_ready,
                      team_roles={t["role"] for t in data["team"]}, competitor_analyses=competitors,
                      reviews=data["reviews"], actions=data["actions"])


def deal_process(store: Store, deal_id: str, method: Method, process: Process, today: dt.date) -> DealProcess:
    data = store.load_deal_process(deal_id)
    deal: Deal = data["deal"]
    grade, source = computed_grade(deal, data["plan"], process)
    deal = deal.model_copy(update={"grade": deal.grade or grade})
    data["deal"] = deal
    score = score_deal(store.load_deal_chain(deal_id), method, today, actions=0)
    inputs = _inputs(data, score.shot.ready)
    targets = [Target(t, check_gate(t, inputs, process)) for t in allowed_targets(deal.stage, deal.grade, process)] \
        if deal.status == DealStatus.open else []
    hours, cost = presales_cost(data["efforts"], process)
    qs, complete = questionnaire_score(data["plan"].answers if data["plan"] else [], process)
    wp = score.win_probability
    open_ = deal.status == DealStatus.open
    return DealProcess(
        deal=deal, grade=deal.grade, grade_source=source if deal.grade == grade else "stored",
        path=process.path_of(deal.grade), stage_probability=process.stages.probability[deal.stage], targets=targets,
        plan=data["plan"], questionnaire_score=qs, questionnaire_complete=complete, actions=data["actions"],
        reviews=data["reviews"], competitors=data["competitors"], hours=hours, presales_cost=cost,
        cost_ratio=cost / deal.amount if deal.amount else None,
        risks=plan_risks(data["plan"], data["actions"], today, process), history=data["history"],
        violations=data["violations"], win_probability=wp,
        weighted_by_win_probability=deal.amount * wp if open_ else 0.0,
        weighted_by_stage=deal.amount * process.stages.probability[deal.stage] / 100 if open_ else 0.0,
        extra={"office_id": data["office_id"], "industry_id": data["industry_id"]},
    )


def _may_override(store: Store, p: Principal, office_id: str | None, industry_id: str | None) -> bool:
    if p.role == "admin":
        return True
    if not p.employee_id:
        return False
    rows = store.db.run_read(qp.OVERRIDE_POWER, employee_id=p.employee_id)
    if not rows:
        return False
    r = rows[0]
    roles = set(r["roles"] or [])
    return ("office_head" in roles and r["office_id"] == office_id) or (
        "industry_director" in roles and r["industry_id"] == industry_id)


def _audit(p: Principal, action: str, label: str, target: str, changes: dict) -> Audit:
    return Audit(p.name, p.role, action, label, target, changes)


def advance_deal(store: Store, p: Principal, deal_id: str, to_stage: DealStage, method: Method, process: Process,
                 today: dt.date, *, override: bool = False, reason: str | None = None) -> DealProcess:
    """Move the deal to ``to_stage`` when the gate is met; otherwise raise ``GateBlocked`` with every missing
    item, unless an allowed person overrides with a reason, which is recorded as a violation."""
    perm.check_write_deal(store.db, p, deal_id)
    view = deal_process(store, deal_id, method, process, today)
    deal = view.deal
    if deal.status != DealStatus.open:
        raise InvalidInput([Problem("dealId", f"the deal is {deal.status.value}, not open")])
    allowed = {t.stage: t for t in view.targets}
    if to_stage not in allowed:
        names = ", ".join(s.value for s in allowed) or "none"
        raise InvalidInput([Problem("toStage", f"a {deal.grade.value} deal in {deal.stage.value} may move to {names}, "
                                               f"not {to_stage.value}")])
    missing = allowed[to_stage].missing
    violation = None
    if missing:
        if not override:
            raise GateBlocked(deal_id, to_stage.value, missing)
        if not reason or not reason.strip():
            raise InvalidInput([Problem("reason", "an override needs a reason")])
        if not _may_override(store, p, view.extra["office_id"], view.extra["industry_id"]):
            raise Forbidden("only an admin, or the deal's office head or industry director, may override a gate")
        violation = Violation(id=f"{deal_id}-v-{uuid.uuid4().hex[:8]}", deal_id=deal_id, stage=to_stage.value,
                              missing=[m.code for m in missing], at=_now(), by=p.name, reason=reason.strip())
    change = StageChange(id=f"{deal_id}-h-{_now()}-{uuid.uuid4().hex[:6]}", deal_id=deal_id, from_stage=deal.stage.value,
                         to_stage=to_stage.value, at=_now(), by=p.name, override=violation is not None,
                         reason=reason.strip() if reason else None)
    store.move_stage(deal_id, deal.stage.value, change, violation,
                     _audit(p, "advanceDeal", "Deal", deal_id, {"from": deal.stage.value, "to": to_stage.value,
                                                                  "override": violation is not None, "reason": reason}))
    return deal_process(store, deal_id, method, process, today)


def close_deal(store: Store, p: Principal, deal_id: str, status: DealStatus, reason: str | None, method: Method,
               process: Process, today: dt.date) -> DealProcess:
    perm.check_write_deal(store.db, p, deal_id)
    if status == DealStatus.open:
        raise InvalidInput([Problem("status", "close a deal as won, lost or abandoned")])
    deal = store.get(Label.Deal, deal_id)
    change = StageChange(id=f"{deal_id}-h-{_now()}-{uuid.uuid4().hex[:6]}", deal_id=deal_id, from_stage=deal.stage.value,
                         to_stage=status.value, at=_now(), by=p.name, reason=reason)
    store.move_stage(deal_id, deal.stage.value, change, None,
                     _audit(p, "closeDeal", "Deal", deal_id, {"status": status.value, "reason": reason}))
    return deal_process(store, deal_id, method, process, today)


def set_grade(store: Store, p: Principal, deal_id: str, grade: Grade | None, reason: str | None, process: Process) -> None:
    """Set a grade by hand (a reason is required; audited), or with ``grade=None`` go back to the computed one."""
    perm.check_write_deal(store.db, p, deal_id)
    data = store.load_deal_process(deal_id)
    plan = data["plan"] or DealPlan(id=deal_id, deal_id=deal_id)
    if grade is not None and not (reason and reason.strip()):
        raise InvalidInput([Problem("reason", "a grade set by hand needs a reason")])
    plan = plan.model_copy(update={"manual_grade": grade, "grade_reason": reason if grade else None})
    effective, _ = computed_grade(data["deal"], plan, process)
    store.set_grade(deal_id, effective.value, plan,
                    _audit(p, "setDealGrade", "Deal", deal_id, {"grade": effective.value, "manual": grade is not None,
                                                                  "reason": reason}))


def update_plan(store: Store, p: Principal, deal_id: str, process: Process, **changes: Any) -> DealPlan:
    """Change the win plan: questionnaire answers (dict question -> 0..4), strategy, strategy notes, artifacts."""
    perm.check_write_deal(store.db, p, deal_id)
    data = store.load_deal_process(deal_id)
    plan = data["plan"] or DealPlan(id=deal_id, deal_id=deal_id)
    update: dict[str, Any] = {}
    problems = []
    if "answers" in changes and changes["answers"] is not None:
        known = {q.id for q in process.questionnaire.questions}
        for q, v in changes["answers"].items():
            if q not in known:
                problems.append(Problem(f"answers.{q}", f"unknown question; the questions are {', '.join(sorted(known))}"))
            elif not isinstance(v, int) or not 0 <= v <= 4:
                problems.append(Problem(f"answers.{q}", f"must be from 0 to 4, got {v!r}"))
        update["answers"] = sorted(f"{q}:{v}" for q, v in changes["answers"].items())
        update["answered_at"] = dt.date.today()
    if changes.get("strategy") is not None:
        if changes["strategy"] not in process.strategies.options:
            problems.append(Problem("strategy", f"must be one of {', '.join(process.strategies.options)}"))
        update["strategy"] = changes["strategy"]
    if changes.get("strategy_notes") is not None:
        update["strategy_notes"] = changes["strategy_notes"]
    if changes.get("artifacts") is not None:
        from kam.process import ARTIFACTS

        bad = [a for a in changes["artifacts"] if a not in ARTIFACTS]
        if bad:
            problems.append(Problem("artifacts", f"unknown {', '.join(bad)}; known: {', '.join(sorted(ARTIFACTS))}"))
        update["artifacts"] = sorted(set(changes["artifacts"]))
    if problems:
        raise InvalidInput(problems, "win plan")
    plan = DealPlan.model_validate({**plan.model_dump(), **update})
    store.upsert_nodes(Label.DealPlan, [plan], audit=_audit(p, "updatePlan", "Deal", deal_id,
                                                            {k: v for k, v in changes.items() if v is not None}))
    return plan


def record(store: Store, p: Principal, item: Action | Review | Effort | Collection) -> None:
    """Record an action, review, effort entry or collection for a deal the caller may write."""
    perm.check_write_deal(store.db, p, item.deal_id)
    store.upsert_nodes(Label(type(item).__name__), [item],
                       audit=_audit(p, "record" + type(item).__name__, type(item).__name__, item.id, item.model_dump(mode="json")))


def convert_lead(store: Store, p: Principal, lead_id: str, deal: Deal, members: list[ChainMember], process: Process) -> Deal:
    """Turn a qualified lead into a deal in stage 1 with its account and first chain members."""
    lead: Lead = store.get(Label.Lead, lead_id)
    if lead.status == LeadStatus.converted:
        raise InvalidInput([Problem("leadId", "the lead is already converted")])
    perm.check_write_account(store.db, p, deal.account_id)
    if store.missing_ids(Label.Deal, [deal.id]) == set():
        raise InvalidInput([Problem("deal.id", f"deal {deal.id!r} exists already")])
    for m in members:
        if m.deal_id != deal.id:
            raise InvalidInput([Problem("members.dealId", f"must be the new deal's id {deal.id!r}")])
    missing = store.missing_ids(Label.Stakeholder, {m.stakeholder_id for m in members})
    if missing:
        raise InvalidInput([Problem("members.stakeholderId", f"Stakeholder {sorted(missing)[0]!r} does not exist")])
    if store.missing_ids(Label.Account, [deal.account_id]):
        raise NotFound("Account", deal.account_id)
    grade, _ = computed_grade(deal, None, process)
    deal = deal.model_copy(update={"stage": DealStage.verify, "status": DealStatus.open, "grade": deal.grade or grade})
    lead = lead.model_copy(update={"status": LeadStatus.converted, "account_id": deal.account_id})
    change = StageChange(id=f"{deal.id}-h-{_now()}-{uuid.uuid4().hex[:6]}", deal_id=deal.id, from_stage="lead",
                         to_stage=DealStage.verify.value, at=_now(), by=p.name, reason=f"converted from lead {lead_id}")
    store.convert_lead(lead, deal, members, change, _audit(p, "convertLead", "Lead", lead_id, {"deal": deal.id}))
    return deal


def forecast_view(store: Store, p: Principal, by: str, process: Process) -> list[dict]:
    if by not in ("month", "solution_line", "office", "industry"):
        raise InvalidInput([Problem("by", "must be month, solution_line, office or industry")])
    rows = store.db.run_read(qp.FORECAST_ROWS, **p.scope_params())
    data = [ForecastRow(r["id"], r["amount"] or 0.0, DealStage(r["stage"]), r["win_probability"],
                        dt.date.fromisoformat(r["expected_close"]) if r["expected_close"] else None, r["solution_line"],
                        r["office_id"], r["industry_id"]) for r in rows]
    return forecast(data, by, process)


def presales_view(store: Store, p: Principal, by: str, process: Process) -> list[dict]:
    """Presales cost per office or industry: hours, cost, and cost as a share of the deals' amounts."""
    if by not in ("office", "industry"):
        raise InvalidInput([Problem("by", "must be office or industry")])
    groups: dict[str, dict] = defaultdict(lambda: {"hours": 0.0, "cost": 0.0, "deals": {}})
    for r in store.db.run_read(qp.EFFORT_ROWS, **p.scope_params()):
        e = Effort.from_props(r["f"])
        h, c = presales_cost([e], process)
        g = groups[(r["office_id"] if by == "office" else r["industry_id"]) or "(none)"]
        g["hours"] += h
        g["cost"] += c
        g["deals"][e.deal_id] = r["amount"] or 0.0
    out = []
    for k, g in sorted(groups.items()):
        amount = sum(g["deals"].values())
        out.append({"key": k, "hours": g["hours"], "cost": g["cost"], "deals": len(g["deals"]), "amount": amount,
                    "cost_ratio": g["cost"] / amount if amount else None})
    return out


def snapshot_accounts(store: Store, method: Method, today: dt.date, on_progress=None) -> int:
    """Store every account's relationship score for ``today`` (run it daily or weekly: KPIs compare them)."""
    from api.service import account_report
    from kam.models import AccountSnapshot

    n = 0
    for ids in store.account_ids(200):
        snaps = []
        for aid in ids:
            a = account_report(store, aid, method, today)
            snaps.append(AccountSnapshot(id=f"{aid}@{today.isoformat()}", account_id=aid, date=today, score=a.score,
                                         depth=a.depth, coverage=a.coverage, concentration=a.concentration))
        store.upsert_nodes(Label.AccountSnapshot, snaps)
        n += len(snaps)
        if on_progress:
            on_progress(len(snaps))
    return n


def account_score_change_by_office(store: Store, start: dt.date, end: dt.date) -> dict[str, float]:
    """Per office: Σ over its accounts of (score at the end − score at the start), each the last snapshot
    on or before that day (an account first scored inside the period counts from its first snapshot)."""
    last_start: dict[str, float] = {}
    last_end: dict[str, float] = {}
    first: dict[str, float] = {}
    office: dict[str, str | None] = {}
    for r in store.db.run_read(qp.KPI_ACCOUNT_SCORES, end=(end - dt.timedelta(days=1)).isoformat()):
        aid = r["account_id"]
        office[aid] = r["office_id"]
        first.setdefault(aid, r["score"])
        if r["date"] <= start.isoformat():
            last_start[aid] = r["score"]
        last_end[aid] = r["score"]
    out: dict[str, float] = defaultdict(float)
    for aid, score in last_end.items():
        out[office[aid] or ""] += score - last_start.get(aid, first[aid])
    return dict(out)


def kpi_view(store: Store, start: dt.date, end: dt.date, office: str | None, process: Process) -> list[dict]:
    """KPIs per employee for [start, end): signed amount, collections, opportunities incubated and the change
    of their office's account scores, each normalised by the team's best and weighted by industry."""
    params = {"start": start.isoformat(), "end": end.isoformat()}
    change = account_score_change_by_office(store, start, end)
    won = {r["employee_id"]: r["amount"] for r in store.db.run_read(qp.KPI_WON, **params)}
    col = {r["employee_id"]: r["amount"] for r in store.db.run_read(qp.KPI_COLLECTIONS, **params)}
    inc = {r["employee_id"]: r["n"] for r in store.db.run_read(qp.KPI_INCUBATED, **params)}
    people = [KpiInputs(r["id"], r["industry_id"], won.get(r["id"], 0.0) or 0.0, col.get(r["id"], 0.0) or 0.0,
                        change.get(r["office_id"] or "", 0.0), inc.get(r["id"], 0) or 0)
              for r in store.db.run_read(qp.EMPLOYEES_OF_SCOPE, office=office)]
    return kpis(people, process)
