"""Contract tests for every repository method, on the real embedded server (and Neo4j when configured)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.queries import builders
from graph.schema import EDGE_SPECS, NODE_SPECS, Label, Rel
from graph.store import Store
from kam.errors import Conflict, InvalidInput, NotFound
from kam.models import ChainRole
from tests.factories import make_world


def test_schema_has_a_unique_constraint_per_label(store, uid):
    for label in Label:
        create = "CREATE (n:" + label.value + " {id: $id})"
        store.db.run_write(create, id=uid + label.value)  # type: ignore[arg-type]
        with pytest.raises(Exception, match="(?i)constraint|unique|duplicate"):
            store.db.run_write(create, id=uid + label.value)  # type: ignore[arg-type]
        assert store.db.run_write(builders.detach_delete(label), ids=[uid + label.value]) == [{"n": 1}]


def test_upsert_twice_changes_nothing(store, uid):
    rows = [{"id": uid + str(i), "name": f"办事处{i}", "region": "华北"} for i in range(5)]
    first = store.upsert_nodes(Label.Office, rows)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    before = store.get_props(Label.Office, uid + "0")
    second = store.upsert_nodes(Label.Office, rows)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert store.get_props(Label.Office, uid + "0") == before  # not even updated_at moves
    rows[2]["name"] = "改名"
    third = store.upsert_nodes(Label.Office, rows)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
    assert store.get(Label.Office, uid + "2").name == "改名"


def test_edges_upsert_twice_changes_nothing(store, uid):
    w = make_world(store, uid)
    row = {"employee_id": w.employees[0], "stakeholder_id": w.stakeholders[0], "closeness": 4, "since": "2025-03-01"}
    assert store.upsert_edges(Rel.KNOWS, [row]).updated == 1  # make_world wrote closeness 1
    assert store.upsert_edges(Rel.KNOWS, [row]).unchanged == 1
    assert store.get_edge(Rel.KNOWS, w.employees[0], w.stakeholders[0]).closeness == 4


def test_batch_with_one_invalid_row_writes_nothing_and_names_the_row(store, uid):
    store.upsert_nodes(Label.Account, [{"id": uid + "a", "name": "客户"}])
    rows = [{"id": f"{uid}s{i}", "name": f"人{i}", "account_id": uid + "a"} for i in range(10)]
    rows[6]["level"] = "boss"
    with pytest.raises(InvalidInput) as exc:
        store.upsert_nodes(Label.Stakeholder, rows)
    [p] = exc.value.problems
    assert p.row == 7 and p.field == "level" and "executive" in p.message
    assert "row 7, level" in str(exc.value)
    assert store.get_many(Label.Stakeholder, [r["id"] for r in rows]) == {}


def test_out_of_range_scale_names_field_and_range(store, uid):
    w = make_world(store, uid, members=2)
    with pytest.raises(InvalidInput) as exc:
        store.upsert_edges(
            Rel.IN_CHAIN,
            [{"stakeholder_id": w.stakeholders[0], "deal_id": w.deal, "role": "user", "influence": 9}],
        )
    assert "row 1, influence: must be from 1 to 5" in str(exc.value)


def test_dangling_reference_is_an_error_not_a_new_node(store, uid):
    store.upsert_nodes(Label.Account, [{"id": uid + "a", "name": "客户"}])
    rows = [
        {"id": uid + "s1", "name": "甲", "account_id": uid + "a"},
        {"id": uid + "s2", "name": "乙", "account_id": uid + "missing"},
        {"id": uid + "s3", "name": "丙", "account_id": uid + "a", "reports_to_id": uid + "s1"},  # same batch: fine
    ]
    with pytest.raises(InvalidInput) as exc:
        store.upsert_nodes(Label.Stakeholder, rows)
    [p] = exc.value.problems
    assert (p.row, p.field) == (2, "account_id") and "does not exist" in p.message
    assert store.get_many(Label.Stakeholder, [r["id"] for r in rows]) == {}
    assert store.get_many(Label.Account, [uid + "missing"]) == {}
    with pytest.raises(InvalidInput, match="Stakeholder .* does not exist"):
        store.upsert_edges(Rel.KNOWS, [{"employee_id": uid + "nobody", "stakeholder_id": uid + "s1", "closeness": 1}])


def test_duplicate_id_in_one_batch_is_reported(store, uid):
    with pytest.raises(InvalidInput, match="row 3, id: duplicate of row 1"):
        store.upsert_nodes(Label.Office, [{"id": uid + "x", "name": "a"}, {"id": uid + "y", "name": "b"}, {"id": uid + "x", "name": "c"}])


def test_concurrent_upserts_of_the_same_id_leave_one_node(store, uid):
    def write(i: int):
        return Store(store.db).upsert_nodes(Label.Competitor, [{"id": uid + "c", "name": f"竞争对手{i % 2}"}])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(write, range(16)))
    # every call wrote its row (the created/updated split is only indicative under concurrency)
    assert all(r.total == 1 for r in results) and sum(r.created for r in results) >= 1
    n = store.db.run_read("MATCH (c:Competitor {id: $id}) RETURN count(c) AS n", id=uid + "c")[0]["n"]
    assert n == 1


def test_reference_edges_follow_the_property(store, uid):
    w = make_world(store, uid)
    store.upsert_nodes(Label.Office, [{"id": uid + "off2", "name": "上海办事处"}])
    acc = store.get(Label.Account, w.account).model_dump()
    acc["office_id"] = uid + "off2"
    store.upsert_nodes(Label.Account, [acc])
    offices = store.db.run_read(
        "MATCH (:Account {id: $id})-[:COVERED_BY]->(o:Office) RETURN o.id AS id", id=w.account
    )
    assert offices == [{"id": uid + "off2"}]
    acc["office_id"] = None
    store.upsert_nodes(Label.Account, [acc])
    assert store.db.run_read("MATCH (:Account {id: $id})-[:COVERED_BY]->(o) RETURN o.id AS id", id=w.account) == []


def test_get_and_not_found(store, uid):
    w = make_world(store, uid, members=2)
    deal = store.get(Label.Deal, w.deal)
    assert deal.amount == 1_200_000 and deal.account_id == w.account
    with pytest.raises(NotFound, match="Deal 'nope' does not exist"):
        store.get(Label.Deal, "nope")
    with pytest.raises(NotFound):
        store.get_edge(Rel.KNOWS, w.employees[0], "nope")


def test_list_is_cursor_paginated_and_filtered(store, uid):
    store.upsert_nodes(Label.Office, [{"id": uid + "o1", "name": "甲"}, {"id": uid + "o2", "name": "乙"}])
    store.upsert_nodes(Label.Industry, [{"id": uid + "i1", "name": "公安"}])
    accounts = [
        {"id": f"{uid}a{i:02d}", "name": f"客户{i}", "office_id": uid + ("o1" if i % 2 else "o2"),
         "industry_id": uid + "i1", "tier": "key" if i < 4 else "general"}
        for i in range(11)
    ]
    store.upsert_nodes(Label.Account, accounts)
    seen, cursor = [], None
    while True:
        page = store.list(Label.Account, first=3, after=cursor, office_id=uid + "o1", industry_id=uid + "i1")
        seen += [a.id for a in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == [a["id"] for a in accounts if a["office_id"] == uid + "o1"]
    keys = store.list(Label.Account, first=50, industry_id=uid + "i1", tier="key")
    assert [a.id for a in keys.items] == [f"{uid}a{i:02d}" for i in range(4)]
    with pytest.raises(InvalidInput, match="first"):
        store.list(Label.Account, first=501)
    with pytest.raises(InvalidInput, match="cannot be filtered by 'name'"):
        store.list(Label.Account, name="x")
    with pytest.raises(InvalidInput, match="cursor"):
        store.list(Label.Account, after="%%%")


def test_deals_filter_by_stage_grade_status_account(store, uid):
    w = make_world(store, uid, members=2)
    store.upsert_nodes(
        Label.Deal,
        [
            {"id": uid + "d2", "name": "b", "account_id": w.account, "stage": "bidding", "grade": "A", "status": "open"},
            {"id": uid + "d3", "name": "c", "account_id": w.account, "stage": "bidding", "grade": "C", "status": "won"},
        ],
    )
    got = store.list(Label.Deal, account_id=w.account, stage="bidding", grade="A", status="open")
    assert [d.id for d in got.items] == [uid + "d2"]
    assert {d.id for d in store.list(Label.Deal, account_id=w.account).items} == {w.deal, uid + "d2", uid + "d3"}


def test_edges_list_and_delete(store, uid):
    w = make_world(store, uid, members=5)
    page = store.list_edges(Rel.IN_CHAIN, target_id=w.deal, first=2)
    all_members, cursor = list(page.items), page.next_cursor
    while cursor:
        page = store.list_edges(Rel.IN_CHAIN, target_id=w.deal, first=2, after=cursor)
        all_members += page.items
        cursor = page.next_cursor
    assert sorted(m.stakeholder_id for m in all_members) == sorted(w.stakeholders)
    assert store.delete_edges(Rel.IN_CHAIN, [(w.stakeholders[0], w.deal)]) == 1
    assert len(store.load_deal_chain(w.deal).members) == 4


def test_decision_chain_loader_returns_exactly_what_was_written(store, uid):
    w = make_world(store, uid, members=4)
    store.upsert_nodes(Label.Stakeholder, [{"id": uid + "outsider", "name": "外人", "account_id": w.account}])
    store.upsert_edges(Rel.INFLUENCES, [{"source_id": uid + "outsider", "target_id": w.stakeholders[0], "strength": 0.8}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": w.employees[0], "deal_id": w.deal, "role": "sales"}])
    store.upsert_nodes(
        Label.Activity,
        [{"id": uid + "act2", "type": "dinner", "date": "2026-11-20", "employee_id": w.employees[0],
          "stakeholder_ids": [w.stakeholders[0], w.stakeholders[2]]}],
    )
    sg = store.load_deal_chain(w.deal)
    assert sg.deal.id == w.deal
    assert [e.stakeholder.id for e in sg.members] == sorted(w.stakeholders)
    m0 = {e.stakeholder.id: e.membership for e in sg.members}[w.stakeholders[0]]
    assert m0.role == ChainRole.decision_maker and m0.influence == 1 and m0.solution_acceptance == -2
    assert m0.assessed_at == dt.date(2026, 11, 1)
    ties = {(t.employee_id, t.stakeholder_id): t for t in sg.ties}
    assert set(ties) == {(w.employees[i % 2], s) for i, s in enumerate(w.stakeholders)}
    t0 = ties[(w.employees[0], w.stakeholders[0])]
    assert t0.closeness == 1 and t0.since == dt.date(2025, 3, 1) and t0.last_activity == dt.date(2026, 11, 20)
    assert ties[(w.employees[1], w.stakeholders[1])].last_activity is None
    pairs = {(e.source_id, e.target_id): e.strength for e in sg.influences}
    expected = {(w.stakeholders[i], w.stakeholders[(i + 1) % 4]): 0.5 for i in range(4)}
    expected[(uid + "outsider", w.stakeholders[0])] = 0.8
    assert pairs == expected
    assert set(sg.people) == set(w.stakeholders) | {uid + "outsider"}
    assert sg.last_activity == {w.stakeholders[0]: dt.date(2026, 11, 20), w.stakeholders[2]: dt.date(2026, 11, 20)}
    assert [(t.employee_id, t.role.value) for t in sg.team] == [(w.employees[0], "sales")]
    with pytest.raises(NotFound):
        store.load_deal_chain(uid + "nope")


def test_decision_chain_loader_takes_two_round_trips(store, uid):
    w = make_world(store, uid, members=6)
    before = store.db.round_trips
    store.load_deal_chain(w.deal)
    assert store.db.round_trips - before == 2


def test_account_graph_loader(store, uid):
    w = make_world(store, uid, members=3)
    g = store.load_account_graph(w.account)
    assert g.account.id == w.account and g.account.tier.value == "key"
    assert [s.id for s in g.stakeholders] == sorted(w.stakeholders)
    assert [d.id for d in g.deals] == [w.deal]
    assert sorted(c.stakeholder_id for c in g.chains) == sorted(w.stakeholders)
    assert len(g.ties) == 3 and len(g.influences) == 3
    assert {s.id: s.reports_to_id for s in g.stakeholders}[w.stakeholders[1]] == w.stakeholders[0]


def test_deleting_a_deal_takes_its_chain_edges(store, uid):
    w = make_world(store, uid, members=3)
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": w.employees[0], "deal_id": w.deal, "role": "sales"}])
    report = store.delete(Label.Deal, w.deal)
    assert report.deleted == {"Deal": 1}
    left = store.db.run_read(
        "MATCH (s:Stakeholder)-[r:IN_CHAIN]->() WHERE s.id IN $ids RETURN count(r) AS n", ids=w.stakeholders
    )
    assert left == [{"n": 0}]
    assert store.get(Label.Activity, uid + "act").deal_id is None  # the activity stays, its reference is cleared
    with pytest.raises(NotFound):
        store.delete(Label.Deal, w.deal)


def test_account_with_deals_is_refused_unless_forced(store, uid):
    w = make_world(store, uid, members=3)
    with pytest.raises(Conflict, match="1 Deal, 3 Stakeholder depend on it"):
        store.delete(Label.Account, w.account)
    assert store.get(Label.Account, w.account)
    report = store.delete(Label.Account, w.account, force=True)
    assert report.deleted == {"Account": 1, "Deal": 1, "Stakeholder": 3, "Activity": 1}
    assert store.get_many(Label.Stakeholder, w.stakeholders) == {}


def test_deleting_a_person_clears_references_to_them(store, uid):
    w = make_world(store, uid, members=3)
    store.delete(Label.Stakeholder, w.stakeholders[0])
    assert store.get(Label.Stakeholder, w.stakeholders[1]).reports_to_id is None
    assert store.get_many(Label.Activity, [uid + "act"]) == {}  # its only participant is gone


def test_every_label_and_relationship_round_trips(store, uid):
    """Each spec's model is stored and read back unchanged (a smoke test over the whole schema)."""
    w = make_world(store, uid, members=2)
    store.upsert_nodes(Label.Partner, [{"id": uid + "p", "name": "集成商"}])
    store.upsert_nodes(Label.IndustryTeam, [{"id": uid + "team", "name": "公安行业部", "industry_id": w.industry}])
    store.upsert_nodes(Label.OrgUnit, [{"id": uid + "u1", "name": "科技处", "account_id": w.account},
                                       {"id": uid + "u2", "name": "科技处一科", "account_id": w.account, "parent_id": uid + "u1"}])
    store.upsert_nodes(Label.Lead, [{"id": uid + "lead", "name": "线索", "account_id": w.account, "amount_estimate": 1e5}])
    store.upsert_nodes(Label.Competitor, [{"id": uid + "comp", "name": "友商"}])
    store.upsert_edges(Rel.COMPETES_IN, [{"competitor_id": uid + "comp", "deal_id": w.deal, "position": "leading"}])
    store.upsert_edges(Rel.ON_TEAM, [{"employee_id": w.employees[1], "deal_id": w.deal, "role": "delivery"}])
    for label in Label:
        spec = NODE_SPECS[label]
        for item in store.list(label, first=500).items:
            assert isinstance(item, spec.model)
    for rel in Rel:
        if rel in EDGE_SPECS:
            assert store.count_edges(rel) >= 1
    assert store.get(Label.OrgUnit, uid + "u2").parent_id == uid + "u1"
