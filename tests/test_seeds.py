"""The demo data set tells its stories, loads idempotently; the generator is deterministic and valid."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from api.service import deal_report
from graph.schema import Label, Rel
from kam.method import load_method
from kam.models import DealStage, Grade
from seeds.demo import STORIES, demo_dataset, load_demo
from seeds.generator import generate

M = load_method()
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def demo_store(embedded_db):
    from graph.store import Store

    store = Store(embedded_db)
    load_demo(store, TODAY)
    return store


def test_demo_loads_idempotently(demo_store):
    again = load_demo(demo_store, TODAY)
    assert again.created == 0 and again.updated == 0 and again.unchanged > 300


def test_demo_covers_every_stage_grade_and_status():
    ds = demo_dataset(TODAY)
    deals = ds.nodes[Label.Deal]
    assert {d["stage"] for d in deals} == {s.value for s in DealStage}
    assert {d["grade"] for d in deals} == {g.value for g in Grade}
    assert {d["status"] for d in deals} == {"open", "won", "lost", "abandoned"}
    per_account = {}
    for p in ds.nodes[Label.Stakeholder]:
        per_account[p["account_id"]] = per_account.get(p["account_id"], 0) + 1
    large = [a for a in ds.nodes[Label.Account] if a["tier"] in ("named", "key")]
    assert all(15 <= per_account[a["id"]] <= 40 for a in large), per_account
    assert all(p["name_en"] and p["title"] and p["title_en"] for p in ds.nodes[Label.Stakeholder])
    assert {p["level"] for p in ds.nodes[Label.Stakeholder]} == {"executive", "management", "staff"}
    dates = [dt.date.fromisoformat(a["date"]) for a in ds.nodes[Label.Activity]]
    assert min(dates) >= TODAY - dt.timedelta(days=365) and max(dates) <= TODAY
    assert ds.edges[Rel.COMPETES_IN]


@pytest.mark.parametrize(
    ("story", "expect_ready", "expected_risks"),
    [
        ("ready_to_shoot", True, set()),
        ("influential_opponent", False, {"INFLUENTIAL_OPPONENT", "COMPETITOR_CHAMPION"}),
        ("no_decision_maker", False, {"NO_DECISION_MAKER"}),
        ("hidden_influencer", False, {"HIDDEN_INFLUENCER"}),
        ("single_threaded", False, {"SINGLE_THREADED"}),
    ],
)
def test_demo_stories(demo_store, story, expect_ready, expected_risks):
    report = deal_report(demo_store, STORIES[story], M, TODAY)
    assert report.shot.ready is expect_ready
    assert expected_risks <= {r.code for r in report.risks}
    if story == "hidden_influencer":
        assert [(h.stakeholder_id, h.influences) for h in report.hidden_influencers][0] == ("fy-zzb", "fy-yz")
    if story == "single_threaded":
        assert {t.employee_id for t in demo_store.load_deal_chain(STORIES[story]).ties} == {"emp-lin"}


def test_demo_partner_led_deal(demo_store):
    deal = demo_store.get(Label.Deal, STORIES["partner_led"])
    assert deal.partner_led and deal.grade == Grade.E and deal.partner_id == "ptn-tianyuan"


def _flat(ds):
    return ({k: v for k, v in ds.nodes.items()}, {k: v for k, v in ds.edges.items()})


def _all(accounts, seed, chunk):
    from seeds.generator import Dataset

    total = Dataset()
    for ds in generate(accounts, seed=seed, chunk=chunk):
        total.add(ds)
    return total


def test_generator_is_deterministic_and_independent_of_chunking():
    a, b, c = _all(12, 3, 12), _all(12, 3, 5), _all(12, 4, 12)
    assert _flat(a) == _flat(b)
    assert _flat(a) != _flat(c)


def test_generator_shape():
    ds = _all(60, 1, 60)
    chains: dict[str, int] = {}
    for m in ds.edges[Rel.IN_CHAIN]:
        chains[m["deal_id"]] = chains.get(m["deal_id"], 0) + 1
    assert min(chains.values()) >= 5 and max(chains.values()) <= 40
    per_account: dict[str, int] = {}
    for p in ds.nodes[Label.Stakeholder]:
        per_account[p["account_id"]] = per_account.get(p["account_id"], 0) + 1
    assert min(per_account.values()) >= 5 and max(per_account.values()) <= 40
    # power-law influence: the most influential person of the data set reaches far more people than the median
    out: dict[str, int] = {}
    for e in ds.edges[Rel.INFLUENCES]:
        out[e["source_id"]] = out.get(e["source_id"], 0) + 1
    counts = sorted(out.values())
    assert counts[-1] >= 4 * counts[len(counts) // 2]


def test_generated_data_loads_through_the_store(store, uid):
    from seeds.generator import load_dataset

    total = 0
    for ds in generate(5, seed=11, chunk=5):
        total += load_dataset(store, ds).total
    assert total > 100
    again = sum(load_dataset(store, ds).unchanged for ds in generate(5, seed=11, chunk=5))
    assert again == total


def test_kam_seed_commands(embedded_server):
    env = dict(os.environ, KAM_DATA_DIR=str(embedded_server.settings.data_dir), KAM_DB="embedded",
               KAM_BOLT_PORT=str(embedded_server.settings.bolt_port), KAM_HTTP_PORT=str(embedded_server.settings.http_port))
    out = subprocess.run([sys.executable, "-m", "kam.cli", "seed", "demo"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "demo data:" in out.stdout and "unchanged" in out.stdout
    gen = subprocess.run([sys.executable, "-m", "kam.cli", "seed", "generate", "--accounts", "3", "--seed", "99"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert gen.returncode == 0, gen.stderr
    assert "3 accounts (seed 99)" in gen.stdout
