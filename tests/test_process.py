"""The sales process: grades, every gate on every path with the exact missing items, overrides and
violations, stage history, win-plan risks, presales cost, lead conversion and the forecast by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from api import process_service as ps
from graph.access import Principal
from graph.schema import Label, Rel
from kam.errors import Conflict, Forbidden, InvalidInput
from kam.method import load_method
from kam.models import Action, ChainMember, Collection, Deal, DealStage, DealStatus, Effort, Grade, Review
from kam.process import load_process
from scoring.process import ForecastRow, forecast, grade_for

M = load_method()
P = load_process()
TODAY = dt.date.today()
ADMIN = Principal("test-admin", "admin")


@pytest.mark.parametrize(("amount", "line", "grade"), [
    (2_000_000, None, Grade.A), (1_999_999.99, None, Grade.B), (1_000_000, None, Grade.B), (999_999.99, None, Grade.C),
    (500_000, None, Grade.C), (499_999.99, None, Grade.D), (0, None, Grade.D),
    (3_000_000, "surveillance", Grade.A), (2_999_999, "surveillance", Grade.B), (1_500_000, "surveillance", Grade.B),
    (1_499_999, "surveillance", Grade.C), (600_000, "surveillance", Grade.C), (599_999, "surveillance", Grade.D),
    (2_000_000, "video-conferencing", Grade.A),
])
def test_grade_boundaries(amount, line, grade):
    assert grade_for(amount, line, False, P) == grade


def test_partner_led_is_e_whatever_the_amount():
    assert grade_for(9_000_000, None, True, P) == Grade.E


def world(store, uid, amount=2_500_000.0, partner_led=False, **deal_fields):
    """An office with a head, an account, four people, a bare deal in stage verify."""
    store.upsert_nodes(Label.Office, [{"id": uid + "off", "name": "办事处"}])
    store.upsert_nodes(Label.Partner, [{"id": uid + "ptn", "name": "集成商"}])
    store.upsert_nodes(Label.Employee, [
        {"id": uid + "head", "name": "主任", "roles": ["office_head"], "office_id": uid + "off"},
        {"id": uid + "rep", "name": "销售", "roles": ["sales"], "office_id": uid + "off"},
    ])
    store.upsert_nodes(Label.Account, [{"id": uid + "acc", "name": "客户", "office_id": uid + "off"}])
    store.upsert_nodes(Label.Stakeholder, [{"id": f"{uid}s{i}", "name": f"人{i}", "account_id": uid + "acc"} for i in range(4)])
    deal = {"id": uid + "deal", "name": "商机", "account_id": uid + "acc", "amount": amount, "partner_led": partner_led,
            "grade": grade_for(amount, deal_fields.get("solution_line"), partner_led, P).value, **deal_fields}
    store.upsert_nodes(Label.Deal, [deal])
    return uid + "deal"


def advance(store, deal_id, to, principal=ADMIN, **kw):
    return ps.advance_deal(store, principal, deal_id, DealStage(to), M, P, TODAY, **kw)


def missing_of(store, deal_id, to):
    with pytest.raises(ps.GateBlocked) as exc:
        advance(store, deal_id, to)
    return [m.code for m in exc.value.missing]


def test_full_path_gates_with_exact_missing_items(store, uid):
    d = world(store, uid)
    assert missing_of(store, d, "initiate") == ["expected_close", "solution_line", "team:sales"]
    deal = store.get(Label.Deal, d).model_dump()
    store.upsert_nodes(Label.Deal, [{**deal, "expected_close": "2027-03-01", "solution_line": "video-conferencing"}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "rep", "deal_id": d, "role": "sales"}])
    assert advance(store, d, "initiate").deal.stage == DealStage.initiate
    # A/B follow every stage: no jump
    with pytest.raises(InvalidInput, match="may move to needs_analysis, not negotiation"):
        advance(store, d, "negotiation")
    assert missing_of(store, d, "needs_analysis") == ["decision_chain", "team:solution"]
    store.upsert_edges(Rel.IN_CHAIN, [{"stakeholder_id": uid + "s1", "deal_id": d, "role": "user"}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "head", "deal_id": d, "role": "solution"}])
    advance(store, d, "needs_analysis")
    assert missing_of(store, d, "value_presentation") == ["relationship_map", "questionnaire"]
    store.upsert_edges(Rel.IN_CHAIN, [{"stakeholder_id": uid + "s0", "deal_id": d, "role": "decision_maker",
                                        "influence": 5, "solution_acceptance": 2, "price_acceptance": 2}])
    ps.update_plan(store, ADMIN, d, P, answers={q.id: 4 for q in P.questionnaire.questions})
    advance(store, d, "value_presentation")
    assert missing_of(store, d, "tender_preparation") == ["competitor_analysis", "strategy", "action_plan", "team:presales"]
    # the bidding gate lists every missing item, in the configured order
    store.upsert_nodes(Label.Deal, [{**store.get(Label.Deal, d).model_dump(), "stage": "tender_preparation"}])
    assert missing_of(store, d, "bidding") == [
        "competitor_analysis", "commercial_content", "technical_content", "bid_application", "bid_analysis_meeting",
        "assessment_passed", "commercial_review", "technical_review", "bid_approval", "team:office_head",
        "team:presales", "team:industry_director", "team:delivery"]


def test_iron_triangle_and_shot_readiness_are_bidding_conditions(store, uid):
    d = world(store, uid, expected_close="2027-01-01", solution_line="video-conferencing", stage="tender_preparation")
    for s, role in ((0, "decision_maker"), (1, "technical_evaluator"), (2, "purchaser"), (3, "coach")):
        store.upsert_edges(Rel.IN_CHAIN, [{"stakeholder_id": f"{uid}s{s}", "deal_id": d, "role": role, "influence": 5,
                                            "solution_acceptance": 2, "price_acceptance": 2}])
        store.upsert_edges(Rel.KNOWS, [{"employee_id": uid + ("rep" if s % 2 else "head"), "stakeholder_id": f"{uid}s{s}",
                                         "closeness": 4, "last_contact": TODAY.isoformat()}])
    store.upsert_nodes(Label.Competitor, [{"id": uid + "comp", "name": "友商"}])
    store.upsert_edges(Rel.COMPETES_IN, [{"competitor_id": uid + "comp", "deal_id": d, "position": "trailing"}])
    ps.update_plan(store, ADMIN, d, P, answers={q.id: 3 for q in P.questionnaire.questions},
                   artifacts=["commercial_content", "technical_content", "bid_application", "bid_analysis_meeting"])
    for kind in ("commercial_review", "technical_review", "bid_approval"):
        ps.record(store, ADMIN, Review(id=f"{uid}{kind}", deal_id=d, kind=kind, decision="approved", date=TODAY))
    for e, role in (("rep", "sales"), ("head", "office_head")):
        store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + e, "deal_id": d, "role": role}])
    store.upsert_nodes(Label.Employee, [{"id": uid + "pre", "name": "售前", "roles": ["presales"]},
                                        {"id": uid + "dir", "name": "总监", "roles": ["industry_director"]},
                                        {"id": uid + "dlv", "name": "交付", "roles": ["delivery"]}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "pre", "deal_id": d, "role": "presales"},
                                     {"employee_id": uid + "dir", "deal_id": d, "role": "industry_director"}])
    # everything but the delivery manager: the iron triangle is incomplete
    assert missing_of(store, d, "bidding") == ["team:delivery"]
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "dlv", "deal_id": d, "role": "delivery"}])
    view = advance(store, d, "bidding")
    assert view.deal.stage == DealStage.bidding and view.violations == []
    # shot readiness is the "assessment passed" condition: a weak decision maker blocks it
    d2 = world(store, uid + "b", expected_close="2027-01-01", stage="tender_preparation")
    store.upsert_edges(Rel.IN_CHAIN, [{"stakeholder_id": f"{uid}bs0", "deal_id": d2, "role": "decision_maker",
                                        "solution_acceptance": -2}])
    assert "assessment_passed" in missing_of(store, d2, "bidding")


def test_fast_track_jumps_from_initiate_to_negotiation(store, uid):
    d = world(store, uid, amount=700_000, expected_close="2027-01-01", solution_line="video-conferencing", stage="initiate")
    assert store.get(Label.Deal, d).grade == Grade.C
    assert missing_of(store, d, "negotiation") == ["relationship_map", "questionnaire", "commercial_content",
                                                   "commercial_review", "team:delivery"]
    store.upsert_edges(Rel.IN_CHAIN, [{"stakeholder_id": uid + "s0", "deal_id": d, "role": "decision_maker"}])
    ps.update_plan(store, ADMIN, d, P, answers={q.id: 2 for q in P.questionnaire.questions}, artifacts=["commercial_content"])
    ps.record(store, ADMIN, Review(id=uid + "cr", deal_id=d, kind="commercial_review", decision="approved", date=TODAY))
    store.upsert_nodes(Label.Employee, [{"id": uid + "dlv", "name": "交付", "roles": ["delivery"]}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "dlv", "deal_id": d, "role": "delivery"}])
    assert advance(store, d, "negotiation").deal.stage == DealStage.negotiation


def test_partner_path_needs_a_partner_and_registration(store, uid):
    d = world(store, uid, amount=800_000, partner_led=True)
    assert store.get(Label.Deal, d).grade == Grade.E
    assert missing_of(store, d, "initiate") == ["partner", "team:sales"]
    deal = store.get(Label.Deal, d).model_dump()
    store.upsert_nodes(Label.Deal, [{**deal, "partner_id": uid + "ptn"}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "rep", "deal_id": d, "role": "sales"}])
    advance(store, d, "initiate")
    assert missing_of(store, d, "negotiation") == ["partner_registration", "relationship_map"]


def test_override_needs_a_reason_and_the_right_person_and_is_a_violation(store, uid):
    d = world(store, uid)
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "rep", "deal_id": d, "role": "sales"},
                                     {"employee_id": uid + "head", "deal_id": d, "role": "office_head"}])
    rep = Principal("rep", "manager", (uid + "off",), (), uid + "rep")
    head = Principal("head", "manager", (uid + "off",), (), uid + "head")
    with pytest.raises(InvalidInput, match="needs a reason"):
        advance(store, d, "initiate", principal=head, override=True)
    with pytest.raises(Forbidden, match="office head or industry director"):
        advance(store, d, "initiate", principal=rep, override=True, reason="客户催促")
    view = advance(store, d, "initiate", principal=head, override=True, reason="客户催促, 先立项")
    assert view.deal.stage == DealStage.initiate
    [v] = view.violations
    assert v.missing == ["expected_close", "solution_line"] and v.by == "head" and v.reason == "客户催促, 先立项"
    assert view.history[-1].override is True


def test_stage_history_never_loses_an_entry(store, uid):
    d = world(store, uid, expected_close="2027-01-01", solution_line="x")
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": uid + "rep", "deal_id": d, "role": "sales"}])
    advance(store, d, "initiate")
    advance(store, d, "needs_analysis", override=True, reason="r1")
    advance(store, d, "value_presentation", override=True, reason="r2")
    view = ps.close_deal(store, ADMIN, d, DealStatus.won, "签约", M, P, TODAY)
    assert [(h.from_stage, h.to_stage) for h in view.history] == [
        ("verify", "initiate"), ("initiate", "needs_analysis"), ("needs_analysis", "value_presentation"),
        ("value_presentation", "won")]
    assert view.deal.status == DealStatus.won and view.targets == []
    with pytest.raises(InvalidInput, match="not open"):
        advance(store, d, "tender_preparation")
    with pytest.raises(Conflict, match="StageChange"):
        store.delete(Label.Deal, d)
    assert len(ps.deal_process(store, d, M, P, TODAY).history) == 4


def test_manual_grade_needs_a_reason_and_survives_amount_changes(store, uid):
    d = world(store, uid, amount=300_000)
    with pytest.raises(InvalidInput, match="needs a reason"):
        ps.set_grade(store, ADMIN, d, Grade.B, None, P)
    ps.set_grade(store, ADMIN, d, Grade.B, "战略客户", P)
    view = ps.deal_process(store, d, M, P, TODAY)
    assert view.grade == Grade.B and view.grade_source == "manual" and view.plan.grade_reason == "战略客户"
    ps.set_grade(store, ADMIN, d, None, None, P)
    assert store.get(Label.Deal, d).grade == Grade.D


def test_win_plan_risks_presales_cost_and_questionnaire(store, uid):
    d = world(store, uid, amount=1_000_000)
    ps.record(store, ADMIN, Action(id=uid + "a1", deal_id=d, text="约见决策者", due=TODAY - dt.timedelta(days=3)))
    ps.record(store, ADMIN, Action(id=uid + "a2", deal_id=d, text="技术交流", due=TODAY + dt.timedelta(days=3)))
    view = ps.deal_process(store, d, M, P, TODAY)
    assert [c for c, _ in view.risks] == ["OVERDUE_ACTION", "NO_QUESTIONNAIRE"]
    ps.update_plan(store, ADMIN, d, P, answers={"need": 4, "budget": 2})
    view = ps.deal_process(store, d, M, P, TODAY)
    # weights need 2, budget 2 of 13 in all: (2·4 + 2·2) / (4 · 13) = 23.1 %
    assert view.questionnaire_score == pytest.approx(100 * 12 / 52) and not view.questionnaire_complete
    store.upsert_nodes(Label.DealPlan, [view.plan.model_copy(update={"answered_at": TODAY - dt.timedelta(days=31)})])
    assert "STALE_QUESTIONNAIRE" in [c for c, _ in ps.deal_process(store, d, M, P, TODAY).risks]
    ps.record(store, ADMIN, Effort(id=uid + "e1", deal_id=d, employee_id=uid + "rep", date=TODAY, hours=10, role="presales"))
    ps.record(store, ADMIN, Effort(id=uid + "e2", deal_id=d, employee_id=uid + "head", date=TODAY, hours=2, role="sponsor"))
    view = ps.deal_process(store, d, M, P, TODAY)
    # 10 h × 800 (presales) + 2 h × 600 (default rate) = 9,200 CNY, 0.92 % of 1,000,000
    assert (view.hours, view.presales_cost) == (12, 9200) and view.cost_ratio == pytest.approx(0.0092)
    with pytest.raises(InvalidInput, match="answers.nope"):
        ps.update_plan(store, ADMIN, d, P, answers={"nope": 1})
    with pytest.raises(InvalidInput, match="strategy"):
        ps.update_plan(store, ADMIN, d, P, strategy="guerrilla")


def test_convert_lead_into_a_deal_with_first_members(store, uid):
    world(store, uid)
    store.upsert_nodes(Label.Lead, [{"id": uid + "lead", "name": "线索", "account_id": uid + "acc", "status": "qualified"}])
    deal = Deal(id=uid + "new", name="新商机", account_id=uid + "acc", amount=600_000)
    members = [ChainMember(stakeholder_id=uid + "s0", deal_id=uid + "new", role="decision_maker")]
    created = ps.convert_lead(store, ADMIN, uid + "lead", deal, members, P)
    assert created.stage == DealStage.verify and created.grade == Grade.C
    assert store.get(Label.Lead, uid + "lead").status.value == "converted"
    assert [m.stakeholder.id for m in store.load_deal_chain(uid + "new").members] == [uid + "s0"]
    with pytest.raises(InvalidInput, match="already converted"):
        ps.convert_lead(store, ADMIN, uid + "lead", deal, members, P)


def test_forecast_sums_by_hand():
    rows = [
        ForecastRow("d1", 1_000_000, DealStage.bidding, 0.6, dt.date(2027, 1, 15), "video-conferencing", "o1", "i1"),
        ForecastRow("d2", 500_000, DealStage.negotiation, 0.9, dt.date(2027, 1, 30), "surveillance", "o1", "i2"),
        ForecastRow("d3", 2_000_000, DealStage.verify, None, dt.date(2027, 2, 1), "video-conferencing", "o2", "i1"),
    ]
    by_month = forecast(rows, "month", P)
    # January: 1,000,000 × 0.6 + 500,000 × 0.9 = 1,050,000; by stage 1,000,000 × 50 % + 500,000 × 80 % = 900,000
    assert by_month == [
        {"key": "2027-01", "deals": 2, "amount": 1_500_000, "weighted_by_win_probability": 1_050_000,
         "weighted_by_stage": 900_000},
        {"key": "2027-02", "deals": 1, "amount": 2_000_000, "weighted_by_win_probability": 0,
         "weighted_by_stage": 100_000},
    ]
    by_line = {r["key"]: r for r in forecast(rows, "solution_line", P)}
    assert by_line["video-conferencing"]["weighted_by_stage"] == pytest.approx(600_000)
    assert {r["key"]: r["amount"] for r in forecast(rows, "office", P)} == {"o1": 1_500_000, "o2": 2_000_000}


def test_forecast_and_kpis_from_the_graph(fresh_store, uid):
    store = fresh_store
    d = world(store, uid, amount=1_000_000, expected_close="2027-01-15", solution_line="video-conferencing",
              stage="bidding", owner_id=uid + "rep")
    store.save_deal_scores([{"id": d, "score": 60.0, "win_probability": 0.5, "shot_ready": False, "risk_codes": []}])
    rows = ps.forecast_view(store, ADMIN, "month", P)
    assert rows == [{"key": "2027-01", "deals": 1, "amount": 1_000_000, "weighted_by_win_probability": 500_000,
                     "weighted_by_stage": 500_000}]
    ps.close_deal(store, ADMIN, d, DealStatus.won, None, M, P, TODAY)
    ps.record(store, ADMIN, Collection(id=uid + "c1", deal_id=d, date=TODAY, amount=300_000))
    k = {r["employee_id"]: r for r in ps.kpi_view(store, TODAY, TODAY + dt.timedelta(days=1), None, P)}
    assert k[uid + "rep"]["signed_amount"] == 1_000_000 and k[uid + "rep"]["collections"] == 300_000
    # the best in every measured component, with the default weights: (0.5 + 0.2) / 1.0 × 100
    assert k[uid + "rep"]["score"] == pytest.approx(70.0)
    assert ps.forecast_view(store, ADMIN, "month", P) == []
    # account-score change: snapshots before and inside the period, credited to the account's office
    from kam.models import AccountSnapshot

    start = TODAY - dt.timedelta(days=30)
    store.upsert_nodes(Label.AccountSnapshot, [
        AccountSnapshot(id="s1", account_id=uid + "acc", date=start - dt.timedelta(days=5), score=40.0),
        AccountSnapshot(id="s2", account_id=uid + "acc", date=TODAY - dt.timedelta(days=1), score=55.0),
        AccountSnapshot(id="s3", account_id=uid + "acc", date=TODAY + dt.timedelta(days=5), score=90.0),
    ])
    assert ps.account_score_change_by_office(store, start, TODAY) == {uid + "off": 15.0}
    k = {r["employee_id"]: r for r in ps.kpi_view(store, start, TODAY + dt.timedelta(days=1), None, P)}
    assert k[uid + "head"]["account_score_change"] == 15.0 and k[uid + "rep"]["account_score_change"] == 15.0
    assert ps.snapshot_accounts(store, M, TODAY) == 1


def test_stages_3_and_4_can_be_merged_and_a_bad_file_names_the_key(tmp_path):
    from kam.method import MethodConfigError
    from scoring.process import allowed_targets

    f = tmp_path / "process.toml"
    f.write_text("[stages]\nmerge_needs_and_value = true\n")
    merged = load_process(f)
    assert allowed_targets(DealStage.initiate, Grade.A, merged) == [DealStage.value_presentation]
    assert allowed_targets(DealStage.initiate, Grade.A, P) == [DealStage.needs_analysis]
    f.write_text("[grades]\nA = 100\n")
    with pytest.raises(MethodConfigError, match="grade thresholds must fall"):
        load_process(f)
    f.write_text('[gates.full]\nbidding = ["magic"]\n')
    with pytest.raises(MethodConfigError, match="unknown gate item 'magic'"):
        load_process(f)


GATED = [(path, stage) for path, gates in P.gates.items() for stage in gates]


@pytest.mark.parametrize(("path", "stage"), GATED, ids=[f"{p}-{s.value}" for p, s in GATED])
def test_every_gate_of_every_path_lists_exactly_its_missing_items(store, uid, path, stage):
    """A bare deal (an amount and nothing else) at the stage before: the gate names every configured item."""
    amount, partner_led = {"full": (2_500_000, False), "fast_track": (700_000, False), "partner": (800_000, True)}[path]
    order = P.stage_order()
    before = P.paths.fast_track_from if (path != "full" and stage == P.paths.fast_track_to) else order[order.index(stage) - 1]
    d = world(store, uid, amount=amount, partner_led=partner_led, stage=before.value)
    assert P.path_of(store.get(Label.Deal, d).grade) == path
    assert missing_of(store, d, stage.value) == [c for c in P.gates[path][stage] if c != "amount"]
