"""Scoring wired to the real graph: load subgraphs, compute, store scores, and the `kam score` commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from api.service import (
    account_report, calibration, deal_report, employee_report, rescore_portfolio, warm_paths, what_if_report,
)
from graph.schema import Label, Rel
from kam.method import load_method
from kam.models import WhatIfChange
from scoring.deal import score_deal
from tests.factories import make_world

M = load_method()
TODAY = dt.date(2026, 12, 1)


def test_deal_report_from_the_graph(store, uid):
    w = make_world(store, uid, members=5)
    report = deal_report(store, w.deal, M, TODAY)
    assert [m.stakeholder_id for m in report.members] == sorted(w.stakeholders)
    assert sum(m.contribution for m in report.members) == pytest.approx(report.score)
    assert report.score == pytest.approx(score_deal(store.load_deal_chain(w.deal), M, TODAY).score)
    # make_world: s0 is the decision maker (influence 1, opposes: a = -1); s4 champions (a = 1) and
    # influences s0 at 0.5, so half of s0's attitude comes through s4 and x_s0 rises above -1
    dm = report.member(w.stakeholders[0])
    assert dm.innate_attitude == -1 and dm.effective_attitude > -1
    assert dm.influenced_by[0].stakeholder_id == w.stakeholders[4]
    assert {r.code for r in report.risks} >= {"DECISION_MAKER_WEAK"}
    assert report.next_actions and report.next_actions[0].gain >= report.next_actions[-1].gain


def test_what_if_from_the_graph(store, uid):
    w = make_world(store, uid, members=3)
    r = what_if_report(store, w.deal, [WhatIfChange(kind="set_assessment", stakeholder_id=w.stakeholders[0],
                                                    solution_acceptance=2)], M, TODAY)
    assert r.delta > 0


def test_portfolio_rescoring_stores_the_same_score_as_the_deal_report(store, uid):
    w = make_world(store, uid, members=4)
    store.upsert_nodes(Label.Deal, [{"id": uid + "d2", "name": "第二个商机", "account_id": w.account, "amount": 3e5}])
    store.upsert_edges(Rel.IN_CHAIN, [{"stakeholder_id": w.stakeholders[1], "deal_id": uid + "d2", "role": "decision_maker",
                                        "influence": 4, "solution_acceptance": 1}])
    run = rescore_portfolio(store, M, TODAY)
    assert run.deals >= 2 and run.deals == store.count_open_deals()
    for deal_id in (w.deal, uid + "d2"):
        props = store.get_props(Label.Deal, deal_id)
        report = deal_report(store, deal_id, M, TODAY)
        assert props["score"] == pytest.approx(report.score, abs=1e-5)
        assert props["win_probability"] == pytest.approx(report.win_probability, abs=1e-5)
        assert props["risk_codes"] == sorted({r.code for r in report.risks})
        assert props["scored_at"]


def test_warm_paths_account_and_employee(store, uid):
    w = make_world(store, uid, members=4)
    paths = warm_paths(store, w.stakeholders[0], M, TODAY)
    # make_world: e0 knows s0 (closeness 1: 0.25, below the floor, no decay) directly; e1 knows s3
    # (closeness 4 since 2025-03-01, 640 days: 0.25 + 0.75 * 2^(-640/180)) and s3 -> s0 at 0.5
    by_route = {(p.employee_id, p.people): p.strength for p in paths}
    assert paths[0].employee_id == w.employees[0] and paths[0].people == (w.stakeholders[0],)
    assert paths[0].strength == pytest.approx(0.25)
    assert by_route[(w.employees[1], (w.stakeholders[3], w.stakeholders[0]))] == pytest.approx(
        (0.25 + 0.75 * 2 ** (-640 / 180)) * 0.5)
    acc = account_report(store, w.account, M, TODAY)
    assert 0 <= acc.score <= 100 and set(acc.capital) == set(w.employees)
    emp = employee_report(store, w.employees[0], M, TODAY)
    assert emp.pipeline_touched == 1_200_000 and emp.deals_touched == (w.deal,)
    assert 0 < emp.share_by_account[w.account] < 1


def test_calibration_from_closed_deals(store, uid):
    w = make_world(store, uid, members=2)
    rows = [{"id": f"{uid}c{i}", "name": "closed", "account_id": w.account, "status": "won" if i % 3 else "lost"}
            for i in range(25)]
    store.upsert_nodes(Label.Deal, rows)
    store.db.run_write("UNWIND $ids AS id MATCH (d:Deal {id: id}) SET d.score = 40.0 + size(id) % 7 * 5",
                       ids=[r["id"] for r in rows])
    cal = calibration(store, M)
    assert cal.fitted and cal.n >= 25 and cal.brier is not None


def _env(server) -> dict[str, str]:
    env = dict(os.environ)
    env.update(KAM_DATA_DIR=str(server.settings.data_dir), KAM_BOLT_PORT=str(server.settings.bolt_port),
               KAM_HTTP_PORT=str(server.settings.http_port), KAM_DB="embedded")
    return env


def test_kam_score_deal_prints_a_readable_report(embedded_server, embedded_db, uid):
    from graph.store import Store

    w = make_world(Store(embedded_db), uid, members=5)
    out = subprocess.run([sys.executable, "-m", "kam.cli", "score", "deal", w.deal, "--today", "2026-12-01"],
                         env=_env(embedded_server), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for part in ("decision-chain score (DS)", "Decision chain", "Risks", "Next best actions", "Hidden influencers",
                 "decision maker", "shot readiness"):
        assert part in out.stdout, part
    zh = subprocess.run([sys.executable, "-m", "kam.cli", "score", "deal", w.deal, "--lang", "zh"],
                        env=_env(embedded_server), capture_output=True, text=True, timeout=120)
    assert zh.returncode == 0 and "决策链得分" in zh.stdout and "决策者" in zh.stdout
    missing = subprocess.run([sys.executable, "-m", "kam.cli", "score", "deal", uid + "nope"],
                             env=_env(embedded_server), capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_kam_score_portfolio_reports_its_rate(embedded_server, embedded_db, uid):
    from graph.store import Store

    make_world(Store(embedded_db), uid, members=3)
    out = subprocess.run([sys.executable, "-m", "kam.cli", "score", "portfolio"], env=_env(embedded_server),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "rescored" in out.stdout and "deals/s" in out.stdout and "computing" in out.stdout
