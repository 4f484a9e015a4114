"""Property tests of the deal score (hypothesis): bounds, additivity, monotonicity, order independence.

Two of the issue's properties are stated here in the strongest form the method's formula makes true,
because DS is a weighted average: adding a supporter never lowers DS when the supporter's BR is at
least the current DS (or when the supporter takes a missing required role at the stand-in's
influence); a missing required role never scores above the same role filled by a member at most as
influential as the stand-in who pulls nobody down, and it always raises its risk.
"""

from __future__ import annotations

import random

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from kam.method import load_method
from kam.models import ChainRole
from kam.subgraph import InfluenceEdge
from scoring.deal import score_deal
from scoring.whatif import apply_changes
from kam.models import WhatIfChange
from tests.scoring_data import TODAY, member, subgraph, tie

M = load_method()
ROLES = [r.value for r in ChainRole]
EPS = 1e-9


@st.composite
def chains(draw, min_members: int = 1, max_members: int = 8):
    n = draw(st.integers(min_members, max_members))
    ids = [f"m{i}" for i in range(n)]
    others = [f"o{i}" for i in range(draw(st.integers(0, 3)))]
    members = [
        member(sid, draw(st.sampled_from(ROLES)), draw(st.integers(1, 5)), draw(st.integers(-2, 2)),
               draw(st.integers(-2, 2)), draw(st.booleans()))
        for sid in ids
    ]
    ties = [tie(f"e{draw(st.integers(0, 2))}", sid, draw(st.integers(0, 4))) for sid in ids if draw(st.booleans())]
    everyone = ids + others
    edges = {}
    for _ in range(draw(st.integers(0, 2 * len(everyone)))):
        s, t = draw(st.sampled_from(everyone)), draw(st.sampled_from(everyone))
        edges[(s, t)] = InfluenceEdge(s, t, draw(st.floats(0.05, 1.0)))
    return subgraph(members, ties, list(edges.values()), others)


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(chains())
def test_scores_are_bounded_and_contributions_add_up(sg):
    s = score_deal(sg, M, TODAY)
    assert 0 <= s.score <= 100 + EPS
    assert 0 <= s.win_probability <= 1
    for m in s.members:
        assert 0 <= m.br <= 100 + EPS
        assert -1 - EPS <= m.effective_attitude <= 1 + EPS
    assert abs(sum(m.contribution for m in s.members) - s.score) < 1e-9


@FAST
@given(chains(), st.data())
def test_raising_closeness_or_acceptance_never_lowers_ds(sg, data):
    base = score_deal(sg, M, TODAY).score
    target = data.draw(st.sampled_from([e.stakeholder.id for e in sg.members]))
    entry = next(e for e in sg.members if e.stakeholder.id == target)
    m = entry.membership
    changes = []
    if m.solution_acceptance < 2:
        changes.append(WhatIfChange(kind="set_assessment", stakeholder_id=target, solution_acceptance=m.solution_acceptance + 1))
    if m.price_acceptance < 2:
        changes.append(WhatIfChange(kind="set_assessment", stakeholder_id=target, price_acceptance=m.price_acceptance + 1))
    for ch in changes:
        assert score_deal(apply_changes(sg, [ch], TODAY), M, TODAY).score >= base - EPS
    best = max([t.closeness for t in sg.ties if t.stakeholder_id == target], default=0)
    if best < 4:
        more = apply_changes(sg, [WhatIfChange(kind="set_closeness", stakeholder_id=target, closeness=best + 1)], TODAY)
        assert score_deal(more, M, TODAY).score >= base - EPS
    for a in score_deal(sg, M, TODAY).next_actions:
        assert a.gain >= -EPS


@FAST
@given(chains(), st.integers(1, 2), st.integers(3, 4), st.integers(-2, 2), st.sampled_from(ROLES), st.integers(1, 5))
def test_adding_a_supporter_never_lowers_ds(sg, sol, closeness, price, role, influence):
    before = score_deal(sg, M, TODAY)
    new = "newcomer"
    changes = [WhatIfChange(kind="add_member", stakeholder_id=new, role=role, influence=influence,
                            solution_acceptance=sol, price_acceptance=price),
               WhatIfChange(kind="set_closeness", stakeholder_id=new, closeness=closeness)]
    after = score_deal(apply_changes(sg, changes, TODAY), M, TODAY)
    supporter = after.member(new)
    assert supporter.stance == "supporter"
    fills_missing = any(mr.role.value == role for mr in before.missing_roles) and influence == M.chain.missing_role_influence
    if supporter.br >= before.score or fills_missing:
        assert after.score >= before.score - EPS


@FAST
@given(chains(min_members=2), st.sampled_from([r.value for r in M.chain.required_roles]), st.integers(1, 3),
       st.integers(0, 2), st.integers(-2, 2), st.integers(0, 4))
def test_a_missing_required_role_lowers_ds_and_raises_its_risk(sg, role, influence, sol, price, closeness):
    # the role is filled by exactly one member, who pulls nobody down (innate attitude >= 0)
    others = [e for e in sg.members if e.membership.role.value != role]
    holder = member("holder", role, influence, sol, price)
    filled = subgraph(others + [holder], sg.ties + [tie("e9", "holder", closeness)], sg.influences,
                      [p for p in sg.people if p not in {e.stakeholder.id for e in sg.members}])
    missing = apply_changes(filled, [WhatIfChange(kind="remove_member", stakeholder_id="holder")], TODAY)
    with_role, without = score_deal(filled, M, TODAY), score_deal(missing, M, TODAY)
    assert without.score <= with_role.score + EPS
    if with_role.member("holder").br > 0:
        assert without.score < with_role.score
    code = "NO_DECISION_MAKER" if role == "decision_maker" else "MISSING_ROLE"
    assert sum(r.code == code for r in without.risks) == sum(r.code == code for r in with_role.risks) + 1


@FAST
@given(chains(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_order(sg, rnd: random.Random):
    a = score_deal(sg, M, TODAY)
    shuffled = subgraph(rnd.sample(sg.members, len(sg.members)), rnd.sample(sg.ties, len(sg.ties)),
                        rnd.sample(sg.influences, len(sg.influences)),
                        [p for p in sg.people if p not in {e.stakeholder.id for e in sg.members}])
    b = score_deal(shuffled, M, TODAY)
    assert abs(a.score - b.score) < 1e-9
    assert [(m.stakeholder_id, round(m.br, 9), m.stance) for m in a.members] == [
        (m.stakeholder_id, round(m.br, 9), m.stance) for m in b.members]
    assert [r.code for r in a.risks] == [r.code for r in b.risks]
