"""Hand-computed examples for every formula of METHOD.md §4 (the arithmetic is written out)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from kam.method import MethodConfigError, load_method
from kam.models import ChainRole, Deal, DealStatus, Level, Stakeholder, WhatIfChange
from kam.subgraph import AccountGraph, InfluenceEdge as E, Tie
from scoring.account import employee_influence, score_account
from kam.subgraph import AccountDeals
from scoring.batch import score_account_deals
from scoring.calibration import calibrate
from scoring.closeness import company_closeness, effective_closeness
from scoring.deal import score_deal, win_probability
from kam.subgraph import PathCandidate
from scoring.paths import rank_warm_paths
from scoring.propagation import build_influence_model, iterate_equilibrium
from scoring.whatif import what_if
from tests.scoring_data import TODAY, member, subgraph, tie

M = load_method()


# ------------------------------------------------------------------------------ closeness


def test_closeness_decays_toward_acquainted():
    # c = 4/4 = 1; after one half-life: 0.25 + (1 - 0.25) * 2^-1 = 0.625; after two: 0.25 + 0.75 / 4 = 0.4375
    assert effective_closeness(4, TODAY - dt.timedelta(days=180), TODAY, M) == pytest.approx(0.625)
    assert effective_closeness(4, TODAY - dt.timedelta(days=360), TODAY, M) == pytest.approx(0.4375)
    # c = 2/4 = 0.5 after 90 days: 0.25 + 0.25 * 2^-0.5 = 0.4267767
    assert effective_closeness(2, TODAY - dt.timedelta(days=90), TODAY, M) == pytest.approx(0.25 + 0.25 / math.sqrt(2))
    # at or below the floor, and with no date, nothing decays
    assert effective_closeness(1, TODAY - dt.timedelta(days=999), TODAY, M) == 0.25
    assert effective_closeness(0, TODAY - dt.timedelta(days=999), TODAY, M) == 0.0
    assert effective_closeness(3, None, TODAY, M) == 0.75


def test_company_closeness_is_the_best_tie_and_uses_the_latest_date():
    ties = [
        Tie("e1", "s", 4, since=TODAY - dt.timedelta(days=360)),  # 0.4375
        Tie("e2", "s", 3, since=dt.date(2020, 1, 1), last_activity=TODAY),  # 0.75: the activity counts, not `since`
        Tie("e3", "s", 4, last_contact=TODAY - dt.timedelta(days=180), since=dt.date(2020, 1, 1)),  # 0.625
    ]
    c = company_closeness(ties, TODAY, M)
    assert c["s"].value == pytest.approx(0.75) and c["s"].employee_id == "e2"
    assert "nobody" not in c


# ------------------------------------------------------------------------------ propagation


def test_three_person_cycle_by_hand_and_by_long_iteration():
    # a -> b (0.5), b -> c (0.8), c -> a (0.3); innate a = (1, -0.5, 0); lambda = (0.3, 0.5, 0.5)
    # x_a = 0.3 x_c + 0.7;  x_b = 0.5 x_a - 0.25;  x_c = 0.5 x_b
    # => x_c = 0.25 x_a - 0.125 => x_a = 0.075 x_a + 0.6625 => x_a = 0.6625 / 0.925
    people, edges = ["a", "b", "c"], [E("a", "b", 0.5), E("b", "c", 0.8), E("c", "a", 0.3)]
    innate = np.array([1.0, -0.5, 0.0])
    model = build_influence_model(people, edges, 0.5)
    x = model.equilibrium(innate)
    xa = 0.6625 / 0.925
    assert x == pytest.approx([xa, 0.5 * xa - 0.25, 0.25 * xa - 0.125], abs=1e-12)
    assert x == pytest.approx(iterate_equilibrium(people, edges, 0.5, innate, tol=1e-15), abs=1e-12)
    rows = model.rows([0, 1, 2])
    assert rows.sum(axis=1) == pytest.approx([1, 1, 1])
    assert rows @ innate == pytest.approx(x)
    assert model.column(0) == pytest.approx(rows[:, 0])


def test_self_loops_isolated_people_and_no_edges():
    m = build_influence_model(["a", "b", "lonely"], [E("a", "a", 1.0), E("a", "b", 2.0)], 0.5)
    # self-loop ignored; b listens to a with lambda = min(0.5, 2) = 0.5: x_b = 0.5 * 1 + 0.5 * 0
    assert m.equilibrium(np.array([1.0, 0.0, -1.0])) == pytest.approx([1.0, 0.5, -1.0])
    none = build_influence_model(["a", "b"], [], 0.5)
    assert none.equilibrium(np.array([0.5, -1.0])) == pytest.approx([0.5, -1.0])
    assert none.rows([0, 1]) == pytest.approx(np.eye(2))


# ------------------------------------------------------------------------------ BR, DS, win probability


def test_single_decision_maker_by_hand():
    sg = subgraph([member("dm", "decision_maker", influence=5, sol=1, price=0)], ties=[tie("e1", "dm", 3)])
    s = score_deal(sg, M, TODAY)
    # c = 0.75, x = a = 0.5, p = 0.5: BR = 100 (0.4*0.75 + 0.35*0.75 + 0.25*0.5) = 68.75
    dm = s.member("dm")
    assert dm.br == pytest.approx(68.75)
    # omega = 1.0 * 5/5; missing technical_evaluator, purchaser, user at influence 3: (0.7 + 0.6 + 0.5) * 0.6 = 1.08
    assert s.denominator == pytest.approx(2.08)
    assert s.score == pytest.approx(68.75 / 2.08)
    assert dm.contribution == pytest.approx(s.score)
    assert s.win_probability == pytest.approx(1 / (1 + math.exp(-0.08 * (68.75 / 2.08 - 55))))
    assert [r.code for r in s.risks] == ["MISSING_ROLE", "MISSING_ROLE", "MISSING_ROLE", "NO_COACH", "SINGLE_THREADED"]
    assert not s.shot.ready


def full_chain(dm_sol: int = 2, dm_level: int = 4):
    members = [
        member("dm", "decision_maker", influence=5, sol=dm_sol, price=1),
        member("te", "technical_evaluator", influence=4, sol=1, price=0),
        member("pu", "purchaser", influence=3, sol=0, price=1),
        member("us", "user", influence=2, sol=1, price=1),
        member("co", "coach", influence=2, sol=2, price=2),
    ]
    ties = [tie("e1", "dm", dm_level), tie("e2", "te", 3), tie("e1", "pu", 2), tie("e2", "us", 3), tie("e1", "co", 4)]
    return members, ties


def test_full_chain_contributions_add_up_and_shot_is_ready():
    members, ties = full_chain()
    s = score_deal(subgraph(members, ties), M, TODAY)
    # BR by hand (no influence edges, x = a):
    # dm: 100 (0.4*1 + 0.35*(1+1)/2 + 0.25*0.75) = 40 + 35 + 18.75 = 93.75, omega 1.0
    # te: 100 (0.4*0.75 + 0.35*0.75 + 0.25*0.5) = 30 + 26.25 + 12.5 = 68.75, omega 0.7*0.8 = 0.56
    # pu: 100 (0.4*0.5 + 0.35*0.5 + 0.25*0.75) = 20 + 17.5 + 18.75 = 56.25, omega 0.6*0.6 = 0.36
    # us: 100 (0.4*0.75 + 0.35*0.75 + 0.25*0.75) = 30 + 26.25 + 18.75 = 75, omega 0.5*0.4 = 0.2
    # co: 100 (0.4*1 + 0.35*1 + 0.25*1) = 100, omega 0.4*0.4 = 0.16
    br = {"dm": 93.75, "te": 68.75, "pu": 56.25, "us": 75.0, "co": 100.0}
    om = {"dm": 1.0, "te": 0.56, "pu": 0.36, "us": 0.2, "co": 0.16}
    for sid in br:
        assert s.member(sid).br == pytest.approx(br[sid]) and s.member(sid).weight == pytest.approx(om[sid])
    ds = sum(om[k] * br[k] for k in br) / sum(om.values())
    assert s.score == pytest.approx(ds)  # = 183.7 / 2.28 = 80.57...
    assert sum(m.contribution for m in s.members) == pytest.approx(s.score)
    assert s.missing_roles == []
    assert s.shot.ready and s.shot.blockers == ()
    assert {m.stakeholder_id: m.stance for m in s.members} == {
        "dm": "supporter", "te": "supporter", "pu": "neutral", "us": "supporter", "co": "supporter"}


def test_stance_rules():
    members = [
        member("dm", "decision_maker", influence=5, sol=-1),  # x = -0.5 <= -0.25: opponent
        member("te", "technical_evaluator", influence=5, sol=1, favors=True),  # favours a competitor: opponent
        member("pu", "purchaser", sol=1),  # x = 0.5 but c = 0.25 < 0.5: neutral
        member("us", "user", sol=1),  # x = 0.5, c = 0.5: supporter
    ]
    s = score_deal(subgraph(members, [tie("e1", "pu", 1), tie("e1", "us", 2)]), M, TODAY)
    stances = {m.stakeholder_id: m.stance for m in s.members}
    assert stances == {"dm": "opponent", "te": "opponent", "pu": "neutral", "us": "supporter"}
    codes = {r.code: r for r in s.risks}
    assert codes["INFLUENTIAL_OPPONENT"].people == ("dm", "te")  # omega 1.0 and 0.7 >= 0.5
    assert codes["COMPETITOR_CHAMPION"].people == ("te",)
    assert codes["DECISION_MAKER_WEAK"].people == ("dm",)  # BR = 100 (0 + 0.35*0.25 + 0.25*0.5) = 21.25 < 50
    assert s.member("dm").br == pytest.approx(21.25)
    assert codes["SINGLE_THREADED"].people == ("e1",)
    blockers = {b.code for b in s.shot.blockers}
    assert {"SCORE_TOO_LOW", "DECISION_MAKER_BR", "NO_COACH", "INFLUENTIAL_OPPONENT", "COMPETITOR_CHAMPION"} <= blockers


def test_stale_assessment_and_no_decision_maker():
    old = TODAY - dt.timedelta(days=61)
    s = score_deal(subgraph([member("te", "technical_evaluator", assessed=old), member("co", "coach", assessed=None)]), M, TODAY)
    codes = {r.code: r for r in s.risks}
    assert codes["STALE_ASSESSMENT"].people == ("co", "te")
    assert codes["NO_DECISION_MAKER"].severity == "high"
    fresh = score_deal(subgraph([member("te", "technical_evaluator", assessed=TODAY - dt.timedelta(days=60))]), M, TODAY)
    assert "STALE_ASSESSMENT" not in {r.code for r in fresh.risks}


def test_hidden_influencer_sways_the_decision_maker():
    # outsider -> dm with strength 1: lambda_dm = 0.5, so half of the dm's attitude comes from the outsider
    members, ties = full_chain()
    sg = subgraph(members, ties, [E("boss", "dm", 1.0)], others=["boss"])
    s = score_deal(sg, M, TODAY)
    [h] = s.hidden_influencers
    assert (h.stakeholder_id, h.influences) == ("boss", "dm") and h.share == pytest.approx(0.5)
    # x_dm = 0.5 * 0 + 0.5 * 1 = 0.5, so BR_dm = 100 (0.4 + 0.35*0.75 + 0.25*0.75) = 85
    assert s.member("dm").effective_attitude == pytest.approx(0.5)
    assert s.member("dm").br == pytest.approx(85.0)
    assert s.member("dm").influenced_by[0].stakeholder_id == "boss"
    assert {r.code: r.people for r in s.risks}["HIDDEN_INFLUENCER"] == ("boss",)


def test_win_probability_curve():
    assert win_probability(55, M) == pytest.approx(0.5)
    assert win_probability(80, M) == pytest.approx(1 / (1 + math.exp(-2)))
    assert win_probability(0, M) == pytest.approx(1 / (1 + math.exp(4.4)))


# ------------------------------------------------------------------------------ next actions, what-if


def test_next_best_actions_by_hand():
    sg = subgraph([member("dm", "decision_maker", influence=5, sol=1, price=0)], ties=[tie("e1", "dm", 3)])
    s = score_deal(sg, M, TODAY)
    acts = {(a.stakeholder_id, a.dimension): a for a in s.next_actions}
    # denominator 2.08; closeness 0.75 -> 1.0 adds 100 * 0.4 * 0.25 = 10 BR points -> 10 / 2.08 DS
    assert acts[("dm", "closeness")].gain == pytest.approx(10 / 2.08)
    # solution 1 -> 2: x 0.5 -> 1.0 adds 100 * 0.35 * 0.25 = 8.75 -> 8.75 / 2.08
    assert acts[("dm", "solution_acceptance")].gain == pytest.approx(8.75 / 2.08)
    # price 0 -> 1: p 0.5 -> 0.75 adds 100 * 0.25 * 0.25 = 6.25 -> 6.25 / 2.08
    assert acts[("dm", "price_acceptance")].gain == pytest.approx(6.25 / 2.08)
    assert [a.dimension for a in s.next_actions] == ["closeness", "solution_acceptance", "price_acceptance"]


def test_solution_move_propagates_through_influence():
    members = [member("dm", "decision_maker", influence=5), member("te", "technical_evaluator", influence=5, sol=-2)]
    sg = subgraph(members, influences=[E("te", "dm", 1.0)])
    s = score_deal(sg, M, TODAY)
    act = next(a for a in s.next_actions if (a.stakeholder_id, a.dimension) == ("te", "solution_acceptance"))
    moved = what_if(sg, [WhatIfChange(kind="set_assessment", stakeholder_id="te", solution_acceptance=-1)], M, TODAY)
    assert act.gain == pytest.approx(moved.delta)
    assert moved.after.member("dm").effective_attitude > moved.before.member("dm").effective_attitude


def test_what_if_adding_a_missing_role_and_an_edge():
    sg = subgraph([member("dm", "decision_maker", influence=5, sol=1)], ties=[tie("e1", "dm", 3)], others=["cto"])
    r = what_if(sg, [
        WhatIfChange(kind="add_member", stakeholder_id="cto", role="technical_evaluator", influence=3, solution_acceptance=2),
        WhatIfChange(kind="add_influence", source_id="cto", target_id="dm", strength=0.4),
    ], M, TODAY)
    assert r.delta > 0
    assert [d.stakeholder_id for d in r.members] == ["cto", "dm"]
    cto = r.members[0]
    assert cto.br_before is None and cto.br_after is not None
    # the technical evaluator slot (0.7 * 0.6 = 0.42) is now a real member with the same weight
    assert r.after.denominator == pytest.approx(r.before.denominator)
    with pytest.raises(Exception, match="not a member"):
        what_if(sg, [WhatIfChange(kind="remove_member", stakeholder_id="nobody")], M, TODAY)


# ------------------------------------------------------------------------------ account, employee, paths


def _account_graph():
    s = [
        Stakeholder(id="ceo", name="ceo", account_id="acc", level=Level.executive, key=True),
        Stakeholder(id="mgr", name="mgr", account_id="acc", level=Level.management),
        Stakeholder(id="clerk", name="clerk", account_id="acc", level=Level.staff, key=True),
        Stakeholder(id="other", name="other", account_id="acc", level=Level.staff),
    ]
    deal = Deal(id="d", name="d", account_id="acc", amount=2e6)
    from kam.models import ChainMember

    chains = [ChainMember(stakeholder_id="mgr", deal_id="d", role=ChainRole.decision_maker, influence=5)]
    ties = [Tie("e1", "ceo", 4, last_activity=TODAY), Tie("e1", "mgr", 2, last_activity=TODAY),
            Tie("e2", "clerk", 1, last_activity=TODAY)]
    from kam.models import Account

    return AccountGraph(Account(id="acc", name="acc"), s, [], [deal], chains, ties, [])


def test_account_score_by_hand():
    a = score_account(_account_graph(), M, TODAY)
    # K = ceo (key), clerk (key), mgr (open-deal chain); weights 0.5, 0.2, 0.3; c = 1, 0.25, 0.5
    # coverage = (0.5 + 0.3) / 1.0 = 0.8; depth = 0.5*1 + 0.3*0.5 + 0.2*0.25 = 0.7
    # capital e1 = 1 + 0.5 = 1.5, e2 = 0.25; shares 6/7, 1/7; concentration = 37/49
    assert (a.key_people, a.coverage, a.depth) == (3, pytest.approx(0.8), pytest.approx(0.7))
    assert a.concentration == pytest.approx(37 / 49)
    assert a.score == pytest.approx(100 * (0.4 * 0.7 + 0.3 * 0.8 + 0.3 * (1 - 37 / 49)))
    assert a.top_employee == "e1" and a.top_share == pytest.approx(6 / 7) and a.dependency_risk


def test_account_with_nobody_known_scores_zero():
    g = _account_graph()
    g.ties.clear()
    g.stakeholders[:] = [s.model_copy(update={"key": False}) for s in g.stakeholders]
    g.chains.clear()
    a = score_account(g, M, TODAY)
    assert a.score == 0 and a.concentration == 1.0 and a.top_employee is None


def test_employee_influence_by_hand():
    g = _account_graph()
    people = {s.id: s for s in g.stakeholders}
    inf = employee_influence("e1", g.ties, people, g.chains, {"d": g.deals[0]}, {"acc": 1.75}, M, TODAY)
    # ceo: c 1 * importance 0.2 (no open deal); mgr: c 0.5 * omega 1.0 (decision maker, influence 5)
    assert inf.relationship_capital == pytest.approx(1 * 0.2 + 0.5 * 1.0)
    assert inf.pipeline_touched == 2e6 and inf.deals_touched == ("d",)
    assert inf.share_by_account == {"acc": pytest.approx(1.5 / 1.75)}
    closed = {"d": g.deals[0].model_copy(update={"status": DealStatus.won})}
    assert employee_influence("e1", g.ties, people, g.chains, closed, {"acc": 1.75}, M, TODAY).pipeline_touched == 0


def test_warm_paths_ranked_by_strength():
    cands = [
        PathCandidate("e1", 4, TODAY, ("a", "t"), (0.5,)),  # 1 * 0.5 = 0.5
        PathCandidate("e2", 2, TODAY, ("b", "c", "t"), (0.9, 0.9)),  # 0.5 * 0.81 = 0.405
        PathCandidate("e3", 3, TODAY, ("t",), ()),  # 0.75: knows the target directly
        PathCandidate("e4", 4, TODAY, ("a", "b", "a", "t"), (1, 1, 1)),  # revisits a: dropped
    ]
    ranked = rank_warm_paths(cands, M, TODAY)
    assert [(p.employee_id, round(p.strength, 3)) for p in ranked] == [("e3", 0.75), ("e1", 0.5), ("e2", 0.405)]


# ------------------------------------------------------------------------------ calibration, batch, config


def test_calibration_needs_history_then_fits():
    few = calibrate([60.0] * 5, [True] * 5, M)
    assert not few.fitted and "at least 20" in few.message and few.slope == 0.08
    rng = np.random.default_rng(7)
    ds = rng.uniform(0, 100, 400)
    won = rng.uniform(size=400) < 1 / (1 + np.exp(-0.12 * (ds - 40)))
    fit = calibrate(ds, won, M)
    assert fit.fitted and fit.n == 400
    assert 0.07 < fit.slope < 0.2 and 30 < fit.midpoint < 50
    default_brier = float(np.mean((1 / (1 + np.exp(-0.08 * (ds - 55))) - won) ** 2))
    assert fit.brier < default_brier


def test_batch_reuses_one_factorisation_and_matches_single_scoring():
    members, ties = full_chain()
    edges = [E("boss", "dm", 0.7), E("te", "pu", 0.4)]
    deals = []
    for k in range(3):
        ms = [member(e.stakeholder.id, e.membership.role.value, e.membership.influence, (e.membership.solution_acceptance + k) % 3 - 1,
                     deal=f"d{k}") for e in members]
        deals.append(subgraph(ms, ties, edges, others=["boss"], deal_id=f"d{k}"))
    batch = list(score_account_deals(AccountDeals("acc", deals, edges), M, TODAY))
    for sg, b in zip(deals, batch):
        assert b.score == pytest.approx(score_deal(sg, M, TODAY).score, abs=1e-12)


def test_bad_method_file_names_the_key(tmp_path):
    f = tmp_path / "m.toml"
    f.write_text("[stakeholder]\ncloseness = 0.9\n")
    with pytest.raises(MethodConfigError, match="stakeholder: .*must add up to 1"):
        load_method(f)
    f.write_text("[risks]\nstale_assessment_days = 0\n")
    with pytest.raises(MethodConfigError, match="risks.stale_assessment_days"):
        load_method(f)
    f.write_text("[roles]\nboss = 1.0\n")
    with pytest.raises(MethodConfigError, match="roles.boss"):
        load_method(f)
    f.write_text("this is not toml = = \n")
    with pytest.raises(MethodConfigError, match="not valid TOML"):
        load_method(f)
    f.write_text("[shot]\nmin_score = 60\n")
    assert load_method(f).shot.min_score == 60 and load_method(f).roles[ChainRole.coach] == 0.4
    with pytest.raises(MethodConfigError, match="does not exist"):
        load_method(tmp_path / "missing.toml")
