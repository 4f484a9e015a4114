"""The sales process as pure functions (METHOD.md §5): grades, allowed moves, stage gates (管控四件事),
the questionnaire score, win-plan risks, presales cost, forecast and KPIs. Configuration in, answers out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kam.models import Action, ActionStatus, Deal, DealPlan, DealStage, Decision, Effort, Grade, Review
from kam.process import Process

__all__ = [
    "grade_for", "GateInputs", "MissingItem", "allowed_targets", "check_gate", "questionnaire_score", "plan_risks",
    "presales_cost", "ForecastRow", "forecast", "KpiInputs", "kpis",
]


def grade_for(amount: float, solution_line: str | None, partner_led: bool, process: Process) -> Grade:
    """E when partner-led; else A/B/C/D by the amount against the solution line's thresholds (>= is the higher grade)."""
    if partner_led:
        return Grade.E
    t = process.grades.solution_lines.get(solution_line or "", process.grades)
    if amount >= t.A:
        return Grade.A
    if amount >= t.B:
        return Grade.B
    if amount >= t.C:
        return Grade.C
    return Grade.D


@dataclass(frozen=True)
class MissingItem:
    code: str
    kind: str
    en: str
    zh: str


@dataclass
class GateInputs:
    """What a gate looks at, loaded by the graph layer for one deal."""

    deal: Deal
    plan: DealPlan | None = None
    chain_roles: Sequence[str] = ()
    shot_ready: bool = False
    team_roles: set[str] = field(default_factory=set)
    competitor_analyses: int = 0  # competitors with a position other than unknown, or strengths/weaknesses
    reviews: Sequence[Review] = ()
    actions: Sequence[Action] = ()


def questionnaire_score(answers: Iterable[str], process: Process) -> tuple[float, bool]:
    """score = 100 × Σ w·a / (4 Σ w) over the configured questions; complete when every question is answered."""
    got = {}
    for a in answers:
        q, _, v = a.partition(":")
        got[q] = int(v)
    qs = process.questionnaire.questions
    total = sum(q.weight for q in qs)
    score = 100 * sum(q.weight * got.get(q.id, 0) for q in qs) / (4 * total) if total else 0.0
    return score, all(q.id in got for q in qs)


def _satisfied(code: str, x: GateInputs, process: Process) -> bool:
    d, plan = x.deal, x.plan
    artifacts = set(plan.artifacts) if plan else set()
    if code.startswith("team:"):
        return code[5:] in x.team_roles
    if code in ("commercial_review", "technical_review", "bid_approval"):
        return any(r.kind.value == code and r.decision == Decision.approved for r in x.reviews)
    match code:
        case "amount":
            return d.amount > 0
        case "expected_close":
            return d.expected_close is not None
        case "solution_line":
            return bool(d.solution_line)
        case "decision_chain":
            return len(x.chain_roles) > 0
        case "relationship_map":
            return "decision_maker" in x.chain_roles
        case "competitor_analysis":
            return x.competitor_analyses > 0
        case "questionnaire":
            return plan is not None and questionnaire_score(plan.answers, process)[1]
        case "questionnaire_passed":
            return plan is not None and questionnaire_score(plan.answers, process)[0] >= process.questionnaire.pass_score
        case "strategy":
            return plan is not None and bool(plan.strategy)
        case "action_plan":
            return any(a.status != ActionStatus.dropped for a in x.actions)
        case "partner":
            return bool(d.partner_id)
        case "assessment_passed":
            return x.shot_ready
        case _:
            return code in artifacts


def allowed_targets(stage: DealStage, grade: Grade, process: Process) -> list[DealStage]:
    """The stages a deal may move to next: the next stage; on the fast track and the partner path also the
    jump from ``fast_track_from`` to ``fast_track_to``."""
    order = process.stage_order()
    if stage not in order:  # e.g. needs_analysis when stages 3 and 4 are merged
        order = list(DealStage)
    i = order.index(stage)
    out = [order[i + 1]] if i + 1 < len(order) else []
    path = process.path_of(grade)
    if path in ("fast_track", "partner") and stage == process.paths.fast_track_from:
        out.append(process.paths.fast_track_to)
    return out


def check_gate(target: DealStage, x: GateInputs, process: Process) -> list[MissingItem]:
    """Every item the gate of ``target`` requires that is not there yet, in the configured order."""
    grade = x.deal.grade or grade_for(x.deal.amount, x.deal.solution_line, x.deal.partner_led, process)
    path = process.path_of(grade)
    missing = []
    for code in process.gates[path].get(target, []):
        if _satisfied(code, x, process):
            continue
        if code.startswith("team:"):
            label = process.team_roles.get(code[5:])
            missing.append(MissingItem(code, "people", label.en if label else code, label.zh if label else code))
        else:
            item = process.gate_items[code]
            missing.append(MissingItem(code, item.kind, item.en, item.zh))
    return missing


def plan_risks(plan: DealPlan | None, actions: Sequence[Action], today: dt.date, process: Process) -> list[tuple[str, str]]:
    """Win-plan risks: (code, rule). OVERDUE_ACTION for open actions past due; STALE_QUESTIONNAIRE when the
    answers are older than the configured days; NO_QUESTIONNAIRE when there are none."""
    out = []
    overdue = [a for a in actions if a.status == ActionStatus.open and a.due is not None and a.due < today]
    for a in sorted(overdue, key=lambda a: a.id):
        out.append(("OVERDUE_ACTION", f"action {a.id!r} was due {a.due.isoformat()}"))
    if plan is None or plan.answered_at is None:
        out.append(("NO_QUESTIONNAIRE", "the assessment questionnaire has not been answered"))
    elif (today - plan.answered_at).days > process.questionnaire.stale_days:
        out.append(("STALE_QUESTIONNAIRE", f"answered {plan.answered_at.isoformat()}, more than "
                                           f"{process.questionnaire.stale_days} days ago"))
    return out


def presales_cost(efforts: Iterable[Effort], process: Process) -> tuple[float, float]:
    """(hours, cost): hours × the role's rate (the default rate for roles without one)."""
    hours = cost = 0.0
    for e in efforts:
        hours += e.hours
        cost += e.hours * process.presales.rates.get(e.role.value, process.presales.default_rate)
    return hours, cost


@dataclass(frozen=True)
class ForecastRow:
    """One open deal's part of the forecast."""

    deal_id: str
    amount: float
    stage: DealStage
    win_probability: float | None
    expected_close: dt.date | None
    solution_line: str | None
    office_id: str | None
    industry_id: str | None


def forecast(rows: Iterable[ForecastRow], by: str, process: Process) -> list[dict]:
    """Weighted pipeline grouped by ``month`` (expected close), ``solution_line``, ``office`` or ``industry``:
    amount, amount × win probability and amount × stage probability side by side."""
    key = {
        "month": lambda r: r.expected_close.strftime("%Y-%m") if r.expected_close else "(none)",
        "solution_line": lambda r: r.solution_line or "(none)",
        "office": lambda r: r.office_id or "(none)",
        "industry": lambda r: r.industry_id or "(none)",
    }[by]
    groups: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for r in rows:
        g = groups[key(r)]
        g[0] += 1
        g[1] += r.amount
        g[2] += r.amount * (r.win_probability or 0.0)
        g[3] += r.amount * process.stages.probability[r.stage] / 100
    return [{"key": k, "deals": int(v[0]), "amount": v[1], "weighted_by_win_probability": v[2],
             "weighted_by_stage": v[3]} for k, v in sorted(groups.items())]


@dataclass
class KpiInputs:
    employee_id: str
    industry_id: str | None
    signed_amount: float
    collections: float
    account_score_change: float
    opportunities: int


def kpis(people: Sequence[KpiInputs], process: Process) -> list[dict]:
    """Each component normalised by the team's largest value (0..1), weighted by the employee's industry
    weights (the default weights when the industry has none), × 100."""
    comps = ("signed_amount", "collections", "account_score_change", "opportunities")
    top = {c: max((abs(getattr(p, c)) for p in people), default=0) for c in comps}
    out = []
    for p in people:
        w = process.kpi.industry_weights.get(p.industry_id or "", process.kpi.weights)
        total_w = sum(getattr(w, c) for c in comps) or 1.0
        parts = {c: (getattr(p, c) / top[c] if top[c] else 0.0) for c in comps}
        score = 100 * sum(getattr(w, c) * parts[c] for c in comps) / total_w
        out.append({"employee_id": p.employee_id, "score": score, **{c: getattr(p, c) for c in comps},
                    "weights": {c: getattr(w, c) for c in comps}})
    return sorted(out, key=lambda r: (-r["score"], r["employee_id"]))
