"""Import and export: round trips, every kind of bad row, re-import, --skip-invalid, and crash safety."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.service import deal_report, rescore_portfolio
from graph.exchange import ImportFailed, export_data, import_data
from graph.schema import EDGE_SPECS, Label, Rel
from graph.server import EmbeddedServer
from graph.store import Store
from kam.method import load_method
from seeds.demo import load_demo
from seeds.generator import generate, load_dataset
from tests.conftest import connect, embedded_settings, ensure_schema

M = load_method()
TODAY = dt.date.today()


def snapshot(store: Store) -> dict:
    """Every node's and relationship's stored properties, by label and type."""
    out = {}
    for label in Label:
        out[label.value] = {p["id"]: p for p in store.iter_nodes(label)}
    for rel in EDGE_SPECS:
        out[rel.value] = {(s, d): p for s, d, p in store.iter_edges(rel)}
    return out


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_demo_round_trip_through_export_and_import(fresh_store, embedded_server, tmp_path, fmt, uid):
    source = fresh_store
    load_demo(source, TODAY)
    rescore_portfolio(source, M, TODAY)
    target_path = tmp_path / ("backup.json" if fmt == "json" else "backup")
    exported = export_data(source, target_path, fmt=fmt)
    assert exported.scores > 5

    name = "db_r" + uid.strip("-").replace("-", "_")
    embedded_server.ensure_database(name)
    db = connect(embedded_server.settings.model_copy(update={"db_name": name}), embedded_server)
    ensure_schema(db)
    target = Store(db, batch_size=100)
    report = import_data(target, target_path)
    assert report.total.updated == 0 and report.total.unchanged == 0
    assert report.scores == exported.scores

    before, after = snapshot(source), snapshot(target)
    for key in before:
        assert len(after[key]) == len(before[key]), key
        assert after[key] == before[key], key  # properties, updated_at and stored scores alike
    for deal_id in ("deal-gat-vc", "deal-fy-remote", "deal-jcy-vc"):
        assert deal_report(target, deal_id, M, TODAY).score == pytest.approx(deal_report(source, deal_id, M, TODAY).score)

    again = import_data(target, target_path)
    assert again.total.created == 0 and again.total.updated == 0
    db.close()


def write_csv(folder: Path, name: str, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def good_folder(folder: Path, uid: str) -> None:
    write_csv(folder, "accounts.csv", ["id", "name", "tier"], [[uid + "a1", "省公安厅", "key"], [uid + "a2", "市法院", "general"]])
    write_csv(folder, "stakeholders.csv", ["id", "name", "account_id", "level", "reports_to_id"],
              [[uid + "s1", "张三", uid + "a1", "executive", ""], [uid + "s2", "李四", uid + "a1", "management", uid + "s1"],
               [uid + "s3", "王五", uid + "a2", "staff", ""]])
    write_csv(folder, "deals.csv", ["id", "name", "account_id", "amount", "stage"],
              [[uid + "d1", "视频会议", uid + "a1", "1500000", "bidding"]])
    write_csv(folder, "in_chain.csv", ["stakeholder_id", "deal_id", "role", "influence", "solution_acceptance"],
              [[uid + "s1", uid + "d1", "decision_maker", "5", "1"], [uid + "s2", uid + "d1", "user", "3", "-1"]])


def test_good_import_then_reimport_changes_nothing(fresh_store, tmp_path, uid):
    good_folder(tmp_path, uid)
    first = import_data(fresh_store, tmp_path)
    assert first.total.created == 2 + 3 + 1 + 2
    assert fresh_store.get(Label.Stakeholder, uid + "s2").reports_to_id == uid + "s1"
    assert fresh_store.get_edge(Rel.IN_CHAIN, uid + "s2", uid + "d1").solution_acceptance == -1
    second = import_data(fresh_store, tmp_path)
    assert (second.total.created, second.total.updated, second.total.unchanged) == (0, 0, 8)


def test_utf8_bom_and_chinese_text(fresh_store, tmp_path, uid):
    write_csv(tmp_path, "accounts.csv", ["id", "name", "name_en"], [[uid + "a", "最高人民检察院", "Supreme Procuratorate"]],
              encoding="utf-8-sig")
    import_data(fresh_store, tmp_path)
    assert fresh_store.get(Label.Account, uid + "a").name == "最高人民检察院"


BAD = {
    "missing column": (
        lambda f, u: write_csv(f, "stakeholders.csv", ["id", "name"], [[u + "x", "甲"]]),
        "stakeholders.csv, line 1, column account_id: required column is missing",
    ),
    "unknown enum value": (
        lambda f, u: write_csv(f, "stakeholders.csv", ["id", "name", "account_id", "level"],
                               [[u + "x", "甲", u + "a1", "executive"], [u + "y", "乙", u + "a1", "ceo"]]),
        "stakeholders.csv, line 3, column level: Input should be 'executive', 'management' or 'staff'",
    ),
    "out-of-range score": (
        lambda f, u: write_csv(f, "in_chain.csv", ["stakeholder_id", "deal_id", "role", "influence"],
                               [[u + "s1", u + "d1", "user", "9"]]),
        "in_chain.csv, line 2, column influence: must be from 1 to 5",
    ),
    "dangling reference": (
        lambda f, u: write_csv(f, "stakeholders.csv", ["id", "name", "account_id"], [[u + "x", "甲", u + "nope"]]),
        "stakeholders.csv, line 2, column account_id: Account '" + "{u}nope' does not exist in this import or in the database",
    ),
    "duplicate id in one file": (
        lambda f, u: write_csv(f, "accounts.csv", ["id", "name"], [[u + "a1", "甲"], [u + "a9", "乙"], [u + "a1", "丙"]]),
        "accounts.csv, line 4, column id: duplicate of line 2",
    ),
    "malformed CSV quoting": (
        lambda f, u: (f / "accounts.csv").write_text(f'id,name\n{u}a1,"甲\n{u}a2,乙', encoding="utf-8"),
        "accounts.csv, line 3: malformed CSV",
    ),
    "wrong encoding": (
        lambda f, u: (f / "accounts.csv").write_bytes(f"id,name\n{u}a1,省公安厅\n".encode("gbk")),
        "accounts.csv, line 2: is not UTF-8",
    ),
    "unknown column": (
        lambda f, u: write_csv(f, "accounts.csv", ["id", "name", "colour"], [[u + "a1", "甲", "red"]]),
        "accounts.csv, line 1, column colour: unknown column",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_kind_of_bad_row_is_reported_precisely_and_nothing_is_written(fresh_store, tmp_path, uid, case):
    good_folder(tmp_path, uid)
    make_bad, expected = BAD[case]
    make_bad(tmp_path, uid)
    with pytest.raises(ImportFailed) as exc:
        import_data(fresh_store, tmp_path)
    assert expected.replace("{u}", uid) in str(exc.value)
    for label in Label:
        assert fresh_store.count(label) == 0, label


def test_json_import_reports_items(fresh_store, tmp_path, uid):
    doc = tmp_path / "graph.json"
    doc.write_text('{"format": "kam-graph", "version": 1, "nodes": {"Account": [{"id": "%sa", "name": "甲"}, '
                   '{"id": "%sb", "name": "乙", "tier": "platinum"}]}}' % (uid, uid), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"graph.json nodes.Account, item 2, column tier: Input should be"):
        import_data(fresh_store, doc)
    assert fresh_store.count(Label.Account) == 0


def test_skip_invalid_writes_the_good_rows_and_lists_the_rest(fresh_store, tmp_path, uid):
    good_folder(tmp_path, uid)
    write_csv(tmp_path, "accounts.csv", ["id", "name", "tier"], [[uid + "a1", "省公安厅", "key"], [uid + "a2", "市法院", "gold"]])
    report = import_data(fresh_store, tmp_path, skip_invalid=True)
    skipped = [str(p) for p in report.skipped]
    assert skipped[0].startswith("accounts.csv, line 3, column tier")
    # s3 worked at the skipped account: it is skipped in turn, with the reason
    assert any(s.startswith("stakeholders.csv, line 4, column account_id") for s in skipped)
    assert fresh_store.count(Label.Account) == 1 and fresh_store.count(Label.Stakeholder) == 2
    assert fresh_store.count(Label.Deal) == 1


# ------------------------------------------------------------------------------ crash safety


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    """A generated data set (300 accounts), as an export folder."""
    from graph.exchange import FILES

    folder = tmp_path_factory.mktemp("big")
    server = EmbeddedServer(embedded_settings(tmp_path_factory.mktemp("gen-data")))
    server.start(attached=True)
    try:
        db = connect(server.settings, server)
        ensure_schema(db)
        store = Store(db)
        for ds in generate(300, seed=5, chunk=300):
            load_dataset(store, ds)
        export_data(store, folder)
        counts = {label: store.count(label) for label in Label}
        db.close()
    finally:
        server.stop()
    assert (folder / FILES[Label.Stakeholder]).exists()
    return folder, counts


def _import_env(server: EmbeddedServer) -> dict[str, str]:
    return dict(os.environ, KAM_DATA_DIR=str(server.settings.data_dir), KAM_BOLT_PORT=str(server.settings.bolt_port),
                KAM_HTTP_PORT=str(server.settings.http_port), KAM_DB="embedded", KAM_BATCH_SIZE="250")


def _wait_for(store: Store, label: Label, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if store.count(label) > 0:
            return
        time.sleep(0.05)


def _assert_batches_whole(store: Store, counts: dict) -> None:
    # every batch is one transaction: the nodes of a label come in whole batches of 250 (or all of them),
    # and no node is written without the reference edges of the same transaction
    for label in (Label.Stakeholder, Label.Deal):
        n = store.count(label)
        assert n == counts[label] or n % 250 == 0, (label, n)
    orphans = store.db.run_read("MATCH (s:Stakeholder) WHERE NOT (s)-[:WORKS_AT]->() RETURN count(s) AS n")
    assert orphans == [{"n": 0}]


def _run_import(folder: Path, server: EmbeddedServer) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kam.cli", "import", str(folder)], env=_import_env(server),
                          capture_output=True, text=True, timeout=600)


def _check_complete(store: Store, counts: dict) -> None:
    for label in Label:
        assert store.count(label) == counts[label], label
    dup = store.db.run_read("MATCH (s:Stakeholder) WITH s.id AS id, count(*) AS c WHERE c > 1 RETURN count(id) AS n")
    assert dup == [{"n": 0}]


def test_killed_importer_leaves_whole_batches_and_a_rerun_completes(big_export, tmp_path):
    folder, counts = big_export
    server = EmbeddedServer(embedded_settings(tmp_path))
    server.start(attached=True)
    try:
        db = connect(server.settings, server)
        ensure_schema(db)
        store = Store(db)
        proc = subprocess.Popen([sys.executable, "-m", "kam.cli", "import", str(folder)], env=_import_env(server),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(store, Label.Stakeholder, proc)
        proc.kill()
        proc.wait(30)
        assert store.count(Label.Stakeholder) < counts[Label.Stakeholder] or store.count(Label.Deal) < counts[Label.Deal]
        _assert_batches_whole(store, counts)
        out = _run_import(folder, server)
        assert out.returncode == 0, out.stderr
        _check_complete(store, counts)
        db.close()
    finally:
        server.stop()


def test_database_stopped_mid_import_then_a_rerun_completes(big_export, tmp_path):
    folder, counts = big_export
    server = EmbeddedServer(embedded_settings(tmp_path))
    server.start(attached=True)
    try:
        db = connect(server.settings, server)
        ensure_schema(db)
        store = Store(db)
        proc = subprocess.Popen([sys.executable, "-m", "kam.cli", "import", str(folder)], env=_import_env(server),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for(store, Label.Stakeholder, proc)
        db.close()
        server.stop()
        _out, errors = proc.communicate(timeout=120)
        assert proc.returncode != 0
        assert "Traceback" not in errors and "error" in errors.lower(), errors[-2000:]
        server.start(attached=True)
        db = connect(server.settings, server)
        store = Store(db)
        _assert_batches_whole(store, counts)
        out = _run_import(folder, server)
        assert out.returncode == 0, out.stderr
        _check_complete(store, counts)
        db.close()
    finally:
        server.stop()
        shutil.rmtree(tmp_path, ignore_errors=True)
