"""Deal scoring: stakeholder BR, decision-chain score DS, stance, risks, shot readiness, win
probability, hidden influencers and next best actions (METHOD.md §4). Pure: data in, results out.

Every result explains itself: each member's inputs and contribution (contributions add up to DS),
the shares of other people in each member's effective attitude, and the rule behind each risk and
each shot-readiness blocker.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kam.method import Method
from kam.models import ChainMember, ChainRole
from kam.subgraph import DealSubgraph
from scoring.closeness import company_closeness
from scoring.propagation import InfluenceModel, build_influence_model

__all__ = [
    "MemberScore", "MissingRole", "Risk", "Blocker", "ShotReadiness", "HiddenInfluencer", "NextAction", "DealScore",
    "score_deal", "score_deal_with_model", "people_of", "win_probability", "stance_of", "next_best_actions",
]

HIGH, MEDIUM, INFO = "high", "medium", "info"


@dataclass(frozen=True, slots=True)
class Share:
    stakeholder_id: str
    name: str
    share: float
    innate_attitude: float


@dataclass(frozen=True, slots=True)
class MemberScore:
    stakeholder_id: str
    name: str
    role: ChainRole
    influence: int
    weight: float  # omega = role weight * influence / 5
    closeness: float  # c(v), decayed
    closeness_via: str | None  # employee holding the strongest tie
    solution_acceptance: int
    price_acceptance: int
    innate_attitude: float  # a_v = solution acceptance / 2
    effective_attitude: float  # x_v
    price: float  # p(v)
    br: float
    contribution: float  # omega * BR / denominator; the contributions add up to DS
    stance: str
    favors_competitor: bool
    assessed_at: dt.date | None
    influenced_by: tuple[Share, ...] = ()  # others' shares of x_v, largest first


@dataclass(frozen=True, slots=True)
class MissingRole:
    role: ChainRole
    weight: float  # counted in the denominator as a member scoring 0


@dataclass(frozen=True, slots=True)
class Risk:
    code: str
    severity: str
    people: tuple[str, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class Blocker:
    code: str
    rule: str


@dataclass(frozen=True, slots=True)
class ShotReadiness:
    ready: bool
    blockers: tuple[Blocker, ...]


@dataclass(frozen=True, slots=True)
class HiddenInfluencer:
    stakeholder_id: str
    name: str
    influences: str  # the member whose attitude they shape
    share: float


@dataclass(frozen=True, slots=True)
class NextAction:
    stakeholder_id: str
    name: str
    dimension: str  # closeness | solution_acceptance | price_acceptance
    current: float
    target: float
    gain: float  # DS points


@dataclass
class DealScore:
    deal_id: str
    score: float
    win_probability: float
    members: list[MemberScore]
    missing_roles: list[MissingRole]
    denominator: float
    risks: list[Risk]
    shot: ShotReadiness
    hidden_influencers: list[HiddenInfluencer]
    next_actions: list[NextAction] = field(default_factory=list)
    as_of: dt.date | None = None

    def member(self, stakeholder_id: str) -> MemberScore:
        return next(m for m in self.members if m.stakeholder_id == stakeholder_id)


# ---------------------------------------------------------------------------- small rules


def win_probability(ds: float, method: Method, slope: float | None = None, midpoint: float | None = None) -> float:
    """P(win) = 1 / (1 + e^(-slope (DS - midpoint))); the default curve unless calibrated parameters are given."""
    k = method.win_probability.slope if slope is None else slope
    m = method.win_probability.midpoint if midpoint is None else midpoint
    z = -k * (ds - m)
    if z > 700:
        return 0.0
    return 1.0 / (1.0 + math.exp(z))


def stance_of(x: float, c: float, favors_competitor: bool, method: Method) -> str:
    """opponent when x <= -0.25 or the member favours a competitor; supporter when x >= 0.25 and
    c >= 0.5; else neutral."""
    st = method.stance
    if x <= st.opponent_attitude or favors_competitor:
        return "opponent"
    if x >= st.supporter_attitude and c >= st.supporter_closeness:
        return "supporter"
    return "neutral"


def people_of(sg: DealSubgraph) -> list[str]:
    """The people of the influence network: the account's stakeholders plus the chain members, by id."""
    return sorted(set(sg.people) | {e.stakeholder.id for e in sg.members})


# ---------------------------------------------------------------------------- the score


@dataclass
class _Chain:
    """The arrays the score is computed from, so that moves and what-ifs re-evaluate cheaply."""

    ids: list[str]
    names: list[str]
    roles: list[ChainRole]
    influence: np.ndarray
    omega: np.ndarray
    c: np.ndarray
    via: list[str | None]
    sol: np.ndarray
    price_level: np.ndarray
    favors: np.ndarray
    assessed: list[dt.date | None]
    pos: np.ndarray  # position of each member in the influence model
    missing: list[MissingRole]


def _chain(sg: DealSubgraph, model: InfluenceModel, method: Method, today: dt.date) -> _Chain:
    closeness = company_closeness(sg.ties, today, method)
    members = sorted(sg.members, key=lambda e: e.stakeholder.id)
    present = {e.membership.role for e in members}
    k = method.chain.missing_role_influence / 5
    missing = [MissingRole(r, method.role_weight(r) * k) for r in method.chain.required_roles if r not in present]
    ms: list[ChainMember] = [e.membership for e in members]
    cl = [closeness.get(e.stakeholder.id) for e in members]
    return _Chain(
        ids=[e.stakeholder.id for e in members],
        names=[e.stakeholder.name for e in members],
        roles=[m.role for m in ms],
        influence=np.array([m.influence for m in ms], dtype=float),
        omega=np.array([method.role_weight(m.role) * m.influence / 5 for m in ms], dtype=float),
        c=np.array([x.value if x else 0.0 for x in cl], dtype=float),
        via=[x.employee_id if x else None for x in cl],
        sol=np.array([m.solution_acceptance for m in ms], dtype=float),
        price_level=np.array([m.price_acceptance for m in ms], dtype=float),
        favors=np.array([m.favors_competitor for m in ms], dtype=bool),
        assessed=[m.assessed_at for m in ms],
        pos=np.array([model.index[e.stakeholder.id] for e in members], dtype=int),
        missing=missing,
    )


def _innate(ch: _Chain, model: InfluenceModel) -> np.ndarray:
    a = np.zeros(model.n)
    a[ch.pos] = ch.sol / 2
    return a


def _br(c: np.ndarray, x: np.ndarray, price_level: np.ndarray, method: Method) -> np.ndarray:
    w = method.stakeholder
    return 100 * (w.closeness * c + w.attitude * (x + 1) / 2 + w.price * (price_level + 2) / 4)


def _ds(omega: np.ndarray, br: np.ndarray, missing: Sequence[MissingRole]) -> tuple[float, float]:
    denom = float(omega.sum()) + sum(m.weight for m in missing)
    if denom <= 0:
        return 0.0, 0.0
    return float(omega @ br) / denom, denom


def score_deal(sg: DealSubgraph, method: Method, today: dt.date, *, actions: int = 10) -> DealScore:
    """Score one deal from its subgraph (see the module docstring for what the result explains)."""
    model = build_influence_model(people_of(sg), sg.influences, method.propagation.lambda_max)
    return score_deal_with_model(sg, model, method, today, actions=actions)


def score_deal_with_model(
    sg: DealSubgraph, model: InfluenceModel, method: Method, today: dt.date, *, actions: int = 10,
    explain: bool = True,
) -> DealScore:
    """Score with an influence model already factorised (shared by all deals of an account).

    ``explain=False`` skips what only people read (influence shares, next best actions): batch
    rescoring stores the score, probability and risks and needs nothing more.
    """
    ch = _chain(sg, model, method, today)
    x_all = model.equilibrium(_innate(ch, model))
    x = x_all[ch.pos]
    br = _br(ch.c, x, ch.price_level, method)
    ds, denom = _ds(ch.omega, br, ch.missing)
    contrib = ch.omega * br / denom if denom > 0 else np.zeros_like(br)
    stances = [stance_of(float(x[i]), float(ch.c[i]), bool(ch.favors[i]), method) for i in range(len(ch.ids))]

    shares_rows = model.rows(list(ch.pos))  # M[v, :] per member: explanations and hidden influencers
    members = []
    for i, sid in enumerate(ch.ids):
        influenced_by: tuple[Share, ...] = ()
        if explain:
            row = shares_rows[i]
            order = np.argsort(-row)
            influenced_by = tuple(
                Share(model.ids[j], _name(sg, model.ids[j]), float(row[j]), _innate_of(ch, model, j))
                for j in order[:5]
                if j != ch.pos[i] and row[j] > 1e-9
            )
        members.append(
            MemberScore(
                stakeholder_id=sid, name=ch.names[i], role=ch.roles[i], influence=int(ch.influence[i]),
                weight=float(ch.omega[i]), closeness=float(ch.c[i]), closeness_via=ch.via[i],
                solution_acceptance=int(ch.sol[i]), price_acceptance=int(ch.price_level[i]),
                innate_attitude=float(ch.sol[i] / 2), effective_attitude=float(x[i]),
                price=float((ch.price_level[i] + 2) / 4), br=float(br[i]), contribution=float(contrib[i]),
                stance=stances[i], favors_competitor=bool(ch.favors[i]), assessed_at=ch.assessed[i],
                influenced_by=influenced_by,
            )
        )
    hidden = _hidden_influencers(sg, ch, model, shares_rows, method)
    risks = _risks(sg, ch, members, hidden, method, today)
    shot = _shot(ds, members, risks, method)
    result = DealScore(
        deal_id=sg.deal.id, score=ds, win_probability=win_probability(ds, method), members=members,
        missing_roles=ch.missing, denominator=denom, risks=risks, shot=shot, hidden_influencers=hidden, as_of=today,
    )
    if explain and actions:
        result.next_actions = next_best_actions(sg, ch, model, x_all, method)[:actions]
    return result


def _name(sg: DealSubgraph, sid: str) -> str:
    p = sg.people.get(sid)
    if p is not None:
        return p.name
    for e in sg.members:
        if e.stakeholder.id == sid:
            return e.stakeholder.name
    return sid


def _innate_of(ch: _Chain, model: InfluenceModel, j: int) -> float:
    hit = np.nonzero(ch.pos == j)[0]
    return float(ch.sol[hit[0]] / 2) if len(hit) else 0.0


def _hidden_influencers(sg: DealSubgraph, ch: _Chain, model: InfluenceModel, rows: np.ndarray, method: Method) -> list[HiddenInfluencer]:
    """Non-members u whose share M[v, u] reaches the threshold for a decision maker or a high-weight member v."""
    members = set(ch.pos.tolist())
    threshold = method.risks.hidden_influencer_share
    found: dict[tuple[str, str], HiddenInfluencer] = {}
    for i in range(len(ch.ids)):
        if ch.roles[i] != ChainRole.decision_maker and ch.omega[i] < method.chain.high_weight:
            continue
        row = rows[i]
        for j in np.nonzero(row >= threshold)[0]:
            if int(j) in members:
                continue
            uid = model.ids[j]
            found[(uid, ch.ids[i])] = HiddenInfluencer(uid, _name(sg, uid), ch.ids[i], float(row[j]))
    return sorted(found.values(), key=lambda h: (-h.share, h.stakeholder_id, h.influences))


def _risks(sg: DealSubgraph, ch: _Chain, members: list[MemberScore], hidden: list[HiddenInfluencer],
           method: Method, today: dt.date) -> list[Risk]:
    r = method.risks
    out: list[Risk] = []
    dms = [m for m in members if m.role == ChainRole.decision_maker]
    for miss in ch.missing:
        if miss.role == ChainRole.decision_maker:
            out.append(Risk("NO_DECISION_MAKER", HIGH, (), "no member of the chain has the role decision_maker"))
        else:
            out.append(Risk("MISSING_ROLE", MEDIUM, (), f"required role {miss.role.value} is not filled; it counts as "
                            f"a member scoring 0 with influence {method.chain.missing_role_influence}"))
    weak = tuple(m.stakeholder_id for m in dms if m.br < r.decision_maker_weak_br)
    if weak:
        out.append(Risk("DECISION_MAKER_WEAK", HIGH, weak, f"a decision maker has BR < {r.decision_maker_weak_br:g}"))
    opp = tuple(m.stakeholder_id for m in members if m.stance == "opponent" and m.weight >= r.influential_opponent_weight)
    if opp:
        out.append(Risk("INFLUENTIAL_OPPONENT", HIGH, opp, f"an opponent with weight ω ≥ {r.influential_opponent_weight:g}"))
    fav = tuple(m.stakeholder_id for m in members if m.favors_competitor)
    if fav:
        out.append(Risk("COMPETITOR_CHAMPION", HIGH, fav, "a member favours a competitor"))
    if ChainRole.coach not in ch.roles:
        out.append(Risk("NO_COACH", MEDIUM, (), "no member of the chain has the role coach"))
    member_ids = set(ch.ids)
    holders = {t.employee_id for t in sg.ties if t.stakeholder_id in member_ids}
    if members and len(holders) <= r.single_threaded_max_employees:
        out.append(Risk("SINGLE_THREADED", MEDIUM, tuple(sorted(holders)),
                        f"at most {r.single_threaded_max_employees} of our employees holds any tie to the chain "
                        f"({len(holders)} does)"))
    stale = tuple(
        m.stakeholder_id for m in members
        if m.assessed_at is None or (today - m.assessed_at).days > r.stale_assessment_days
    )
    if stale:
        out.append(Risk("STALE_ASSESSMENT", MEDIUM, stale,
                        f"a member assessed more than {r.stale_assessment_days} days ago, or never"))
    dm_ids = {m.stakeholder_id for m in dms}
    hid = tuple(sorted({h.stakeholder_id for h in hidden if h.influences in dm_ids and h.share >= r.hidden_influencer_share}))
    if hid:
        out.append(Risk("HIDDEN_INFLUENCER", INFO, hid,
                        f"someone outside the chain holds ≥ {r.hidden_influencer_share:.0%} of a decision maker's attitude"))
    return out


def _shot(ds: float, members: list[MemberScore], risks: list[Risk], method: Method) -> ShotReadiness:
    s = method.shot
    blockers: list[Blocker] = []
    if ds < s.min_score:
        blockers.append(Blocker("SCORE_TOO_LOW", f"DS {ds:.1f} < {s.min_score:g}"))
    for m in members:
        if m.role == ChainRole.decision_maker and m.br < s.min_decision_maker_br:
            blockers.append(Blocker("DECISION_MAKER_BR", f"decision maker {m.name} has BR {m.br:.1f} < {s.min_decision_maker_br:g}"))
    if s.require_coach and not any(m.role == ChainRole.coach for m in members):
        blockers.append(Blocker("NO_COACH", "the chain has no coach"))
    for r in risks:
        if r.severity == HIGH:
            blockers.append(Blocker(r.code, f"high-severity risk: {r.rule}"))
    return ShotReadiness(not blockers, tuple(blockers))


# ---------------------------------------------------------------------------- next best actions


def next_best_actions(sg: DealSubgraph, ch: _Chain, model: InfluenceModel, x_all: np.ndarray, method: Method) -> list[NextAction]:
    """The DS gain of one more level on each dimension for each member, holding the rest, ranked.

    Closeness +step on c(v) (capped at 1) and price +1 (capped at 2) change only BR(v); solution
    acceptance +1 (capped at 2) moves a_v by 1/2 and so, through column v of M, every member's x.
    """
    x = x_all[ch.pos]
    base_br = _br(ch.c, x, ch.price_level, method)
    base, _ = _ds(ch.omega, base_br, ch.missing)
    out: list[NextAction] = []
    step = method.next_actions.closeness_step
    for i, sid in enumerate(ch.ids):
        if ch.c[i] < 1:
            c2 = ch.c.copy()
            c2[i] = min(1.0, c2[i] + step)
            gain = _ds(ch.omega, _br(c2, x, ch.price_level, method), ch.missing)[0] - base
            out.append(NextAction(sid, ch.names[i], "closeness", float(ch.c[i]), float(c2[i]), gain))
        if ch.sol[i] < 2:
            x2 = x + model.column(int(ch.pos[i]))[ch.pos] * 0.5
            gain = _ds(ch.omega, _br(ch.c, x2, ch.price_level, method), ch.missing)[0] - base
            out.append(NextAction(sid, ch.names[i], "solution_acceptance", float(ch.sol[i]), float(ch.sol[i] + 1), gain))
        if ch.price_level[i] < 2:
            p2 = ch.price_level.copy()
            p2[i] += 1
            gain = _ds(ch.omega, _br(ch.c, x, p2, method), ch.missing)[0] - base
            out.append(NextAction(sid, ch.names[i], "price_acceptance", float(ch.price_level[i]), float(p2[i]), gain))
    out.sort(key=lambda a: (-a.gain, a.stakeholder_id, a.dimension))
    return out
