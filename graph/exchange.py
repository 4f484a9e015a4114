"""Import and export of the whole graph: a set of CSV files (one per label and relationship type) or
one JSON document. Export followed by import into an empty database gives back the same nodes,
relationships, properties (``updated_at`` included) and stored deal scores: it is the backup format.

Import validates everything before writing anything: each bad row is reported as file, line,
column and reason; by default nothing is written when anything is bad, or, with ``skip_invalid``,
the good rows are written and the skipped ones listed (rows that reference a skipped row are
skipped too). References must point at a row of the import or a node already in the database.
Rows are upserted by external id in transactional batches: a re-import changes nothing, and an
import interrupted halfway completes, without duplicates, when it is run again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from graph.schema import EDGE_ORDER, EDGE_SPECS, NODE_ORDER, NODE_SPECS, Label, Rel
from graph.store import Store, UpsertResult
from kam.errors import KamError

__all__ = [
    "FILES", "SCORE_FILE", "SCORE_COLUMNS", "ImportProblem", "ImportFailed", "ImportReport", "ExportReport",
    "columns", "read_import", "import_data", "export_data",
]

FILES: dict[Label | Rel, str] = {
    Label.Sector: "sectors.csv", Label.Industry: "industries.csv", Label.Office: "offices.csv",
    Label.IndustryTeam: "industry_teams.csv", Label.Partner: "partners.csv", Label.Competitor: "competitors.csv",
    Label.Employee: "employees.csv", Label.Account: "accounts.csv", Label.OrgUnit: "org_units.csv",
    Label.Stakeholder: "stakeholders.csv", Label.Deal: "deals.csv", Label.Lead: "leads.csv",
    Label.Activity: "activities.csv", Label.DealPlan: "deal_plans.csv", Label.Review: "reviews.csv",
    Label.Action: "actions.csv", Label.Effort: "efforts.csv", Label.StageChange: "stage_history.csv",
    Label.Violation: "violations.csv", Label.Collection: "collections.csv",
    Label.AccountSnapshot: "account_snapshots.csv",
    Rel.KNOWS: "knows.csv", Rel.IN_CHAIN: "in_chain.csv", Rel.INFLUENCES: "influences.csv",
    Rel.ON_TEAM: "on_team.csv", Rel.COMPETES_IN: "competes_in.csv",
}
SCORE_FILE = "deal_scores.csv"
SCORE_COLUMNS = ["id", "score", "win_probability", "shot_ready", "risk_codes", "scored_at"]
RESTORE_COLUMN = "updated_at"  # optional: present in exports, restored on import
LIST_SEP = ";"
JSON_FORMAT = "kam-graph"
ORDER: list[Label | Rel] = [*NODE_ORDER, *EDGE_ORDER]


def _model(key: Label | Rel) -> type[BaseModel]:
    return NODE_SPECS[key].model if isinstance(key, Label) else EDGE_SPECS[key].model


def columns(key: Label | Rel) -> list[str]:
    """The documented columns of a file, in order (``updated_at`` is optional on import)."""
    return [*_model(key).model_fields, RESTORE_COLUMN]


def _list_fields(key: Label | Rel) -> set[str]:
    out = set()
    for name, f in _model(key).model_fields.items():
        ann = f.annotation
        if get_origin(ann) is list or any(get_origin(a) is list for a in get_args(ann)):
            out.add(name)
    return out


@dataclass(frozen=True)
class ImportProblem:
    file: str
    line: int | None  # line of a CSV file, item number in a JSON array
    column: str | None
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"{self.unit} {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return ", ".join(where) + f": {self.reason}"


class ImportFailed(KamError):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        head = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the import, nothing was written:\n{head}{more}")


@dataclass
class _Row:
    file: str
    line: int
    item: BaseModel
    updated_at: str | None = None


@dataclass
class Parsed:
    rows: dict[Label | Rel, list[_Row]] = field(default_factory=dict)
    scores: list[tuple[str, int, dict]] = field(default_factory=list)  # (file, line, row)
    problems: list[ImportProblem] = field(default_factory=list)
    fatal: list[ImportProblem] = field(default_factory=list)  # a whole file unusable: cannot be skipped

    def fail(self, problem: ImportProblem) -> None:
        self.problems.append(problem)
        self.fatal.append(problem)


@dataclass
class ImportReport:
    results: dict[str, UpsertResult] = field(default_factory=dict)
    skipped: list[ImportProblem] = field(default_factory=list)
    scores: int = 0

    @property
    def total(self) -> UpsertResult:
        t = UpsertResult()
        for r in self.results.values():
            t += r
        return t


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=dict)
    scores: int = 0


# ============================================================================ reading


def _key_of(key: Label | Rel, item: BaseModel) -> Any:
    if isinstance(key, Label):
        return item.id
    spec = EDGE_SPECS[key]
    return getattr(item, spec.source_field), getattr(item, spec.target_field)


def _validate(key: Label | Rel, file: str, line: int, raw: dict, parsed: Parsed, seen: dict, unit: str = "line") -> None:
    updated_at = raw.pop(RESTORE_COLUMN, None)
    try:
        item = _model(key).model_validate(raw)
    except ValidationError as exc:
        for e in exc.errors(include_url=False):
            col = str(e["loc"][0]) if e["loc"] else str((e.get("ctx") or {}).get("field", "")) or None
            msg = "is required" if e["type"] == "missing" else "is not a known column" if e["type"] == "extra_forbidden" else e["msg"]
            parsed.problems.append(ImportProblem(file, line, col, msg, unit))
        return
    k = _key_of(key, item)
    if k in seen:
        col = "id" if isinstance(key, Label) else EDGE_SPECS[key].target_field
        parsed.problems.append(ImportProblem(file, line, col, f"duplicate of {unit} {seen[k]} ({k})", unit))
        return
    seen[k] = line
    parsed.rows.setdefault(key, []).append(_Row(file, line, item, updated_at or None))


def _unit(file: str) -> str:
    """JSON sections are named 'file.json nodes.Label': their rows are items, not lines."""
    return "item" if " " in file else "line"


def _decode(path: Path) -> str | ImportProblem:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return ImportProblem(path.name, line, None, f"is not UTF-8 (byte 0x{data[exc.start]:02x} at character {col}); "
                             "save the file as UTF-8")


def _read_csv(path: Path, key: Label | Rel, parsed: Parsed) -> None:
    text = _decode(path)
    if isinstance(text, ImportProblem):
        parsed.fail(text)
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        parsed.fail(ImportProblem(path.name, reader.line_num or 1, None, f"malformed CSV: {exc}"))
        return
    header = [h.strip() for h in header]
    known = set(columns(key))
    header_ok = True
    for h in header:
        if h not in known:
            parsed.fail(ImportProblem(path.name, 1, h, f"unknown column; the columns are {', '.join(columns(key))}"))
            header_ok = False
    for name, f in _model(key).model_fields.items():
        if f.is_required() and name not in header:
            parsed.fail(ImportProblem(path.name, 1, name, "required column is missing"))
            header_ok = False
    if not header_ok:
        return
    lists = _list_fields(key)
    seen: dict = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.fail(ImportProblem(path.name, reader.line_num, None, f"malformed CSV (the rest of the file was not read): {exc}"))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            parsed.problems.append(ImportProblem(path.name, line, None,
                                                 f"has {len(cells)} cells, the header has {len(header)}"))
            continue
        raw: dict[str, Any] = {}
        for h, c in zip(header, cells):
            c = c.strip()
            if c == "":
                continue
            raw[h] = [x.strip() for x in c.split(LIST_SEP) if x.strip()] if h in lists else c
        _validate(key, path.name, line, raw, parsed, seen)


def _read_scores_csv(path: Path, parsed: Parsed) -> None:
    text = _decode(path)
    if isinstance(text, ImportProblem):
        parsed.fail(text)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            parsed.scores.append((path.name, reader.line_num, dict(row)))
    except csv.Error as exc:
        parsed.fail(ImportProblem(path.name, reader.line_num, None, f"malformed CSV: {exc}"))


def _check_scores(parsed: Parsed) -> list[dict]:
    out = []
    for file, line, row in parsed.scores:
        try:
            out.append({
                "id": str(row["id"]),
                "score": float(row["score"]),
                "win_probability": float(row["win_probability"]),
                "shot_ready": str(row.get("shot_ready")).lower() in ("true", "1"),
                "risk_codes": row["risk_codes"] if isinstance(row["risk_codes"], list)
                else [x for x in str(row.get("risk_codes") or "").split(LIST_SEP) if x],
                "scored_at": row.get("scored_at") or None,
            })
        except (KeyError, TypeError, ValueError) as exc:
            parsed.problems.append(ImportProblem(file, line, None, f"not a deal score row: {exc}", _unit(file)))
            continue
        if not (0 <= out[-1]["score"] <= 100 and 0 <= out[-1]["win_probability"] <= 1):
            parsed.problems.append(ImportProblem(file, line, "score", "score must be 0..100 and win_probability 0..1", _unit(file)))
            out.pop()
    return out


def _read_json(path: Path, parsed: Parsed) -> None:
    text = _decode(path)
    if isinstance(text, ImportProblem):
        parsed.fail(text)
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        parsed.fail(ImportProblem(path.name, exc.lineno, None, f"malformed JSON: {exc.msg}"))
        return
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        parsed.fail(ImportProblem(path.name, None, "format", f"not a {JSON_FORMAT} document"))
        return
    for section, enum in (("nodes", Label), ("relationships", Rel)):
        for name, rows in (doc.get(section) or {}).items():
            try:
                key = enum(name)
            except ValueError:
                parsed.fail(ImportProblem(path.name, None, f"{section}.{name}", "unknown label or type"))
                continue
            seen: dict = {}
            for i, raw in enumerate(rows, start=1):
                where = f"{path.name} {section}.{name}"
                if not isinstance(raw, dict):
                    parsed.problems.append(ImportProblem(where, i, None, "is not an object", "item"))
                    continue
                _validate(key, where, i, dict(raw), parsed, seen, unit="item")
    for i, row in enumerate(doc.get("deal_scores") or [], start=1):
        parsed.scores.append((f"{path.name} deal_scores", i, row))


def read_import(path: Path) -> Parsed:
    """Parse and validate a CSV folder or a JSON document (no database access)."""
    path = Path(path)
    parsed = Parsed()
    if path.is_dir():
        names = {p.name for p in path.iterdir() if p.suffix.lower() == ".csv"}
        known = set(FILES.values()) | {SCORE_FILE}
        for unknown in sorted(names - known):
            parsed.fail(ImportProblem(unknown, None, None, f"unknown file; expected some of {', '.join(sorted(known))}"))
        if not names & known:
            parsed.fail(ImportProblem(str(path), None, None, "holds none of the import files"))
        for key in ORDER:
            if FILES[key] in names:
                _read_csv(path / FILES[key], key, parsed)
        if SCORE_FILE in names:
            _read_scores_csv(path / SCORE_FILE, parsed)
    elif path.is_file():
        _read_json(path, parsed)
    else:
        parsed.fail(ImportProblem(str(path), None, None, "does not exist"))
    return parsed


def _references(key: Label | Rel, item: BaseModel) -> list[tuple[str, Label, list[str]]]:
    """(column, target label, ids) for every reference of a row."""
    if isinstance(key, Label):
        out = []
        for ref in NODE_SPECS[key].refs:
            v = getattr(item, ref.field)
            ids = list(v or []) if ref.many else ([] if v is None else [v])
            if ids:
                out.append((ref.field, ref.target, ids))
        return out
    spec = EDGE_SPECS[key]
    return [(spec.source_field, spec.source, [getattr(item, spec.source_field)]),
            (spec.target_field, spec.target, [getattr(item, spec.target_field)])]


def _check_references(store: Store, parsed: Parsed, skip_invalid: bool) -> list[ImportProblem]:
    """Dangling references: each must name a row of the import or a node in the database. With
    ``skip_invalid``, rows with problems are dropped, and so, in turn, are the rows that needed them."""
    wanted: dict[Label, set[str]] = defaultdict(set)
    for key, rows in parsed.rows.items():
        for r in rows:
            for _, target, ids in _references(key, r.item):
                wanted[target].update(ids)
    in_db: dict[Label, set[str]] = {}
    for label, ids in wanted.items():
        in_db[label] = ids - store.missing_ids(label, ids)
    skipped: list[ImportProblem] = []
    bad_lines = {(p.file, p.line) for p in parsed.problems}
    while True:
        present = {k: {r.item.id for r in rows if (r.file, r.line) not in bad_lines}
                   for k, rows in parsed.rows.items() if isinstance(k, Label)}
        new = []
        for key, rows in parsed.rows.items():
            for r in rows:
                if (r.file, r.line) in bad_lines:
                    continue
                for col, target, ids in _references(key, r.item):
                    missing = [i for i in ids if i not in present.get(target, set()) and i not in in_db.get(target, set())]
                    if missing:
                        unit = _unit(r.file)
                        new.append(ImportProblem(r.file, r.line, col, f"{target.value} {missing[0]!r} does not exist "
                                                 "in this import or in the database", unit))
                        break
        if not new:
            break
        skipped.extend(new)
        bad_lines |= {(p.file, p.line) for p in new}
        if not skip_invalid:
            break
    return skipped


def import_data(store: Store, path: Path, *, skip_invalid: bool = False, on_rows: Callable[[int], None] | None = None) -> ImportReport:
    """Validate the whole import, then upsert it in dependency order (see the module docstring)."""
    parsed = read_import(path)
    scores = _check_scores(parsed)
    if parsed.fatal:
        raise ImportFailed(sorted(parsed.problems, key=lambda p: (p.file, p.line or 0, p.column or "")))
    problems = parsed.problems + _check_references(store, parsed, skip_invalid)
    problems.sort(key=lambda p: (p.file, p.line or 0, p.column or ""))
    if problems and not skip_invalid:
        raise ImportFailed(problems)
    bad = {(p.file, p.line) for p in problems}
    report = ImportReport(skipped=problems)
    for key in ORDER:
        rows = [r for r in parsed.rows.get(key, []) if (r.file, r.line) not in bad]
        if not rows:
            continue
        items = [r.item for r in rows]
        if isinstance(key, Label):
            res = store.upsert_nodes(key, items, on_batch=on_rows,
                                     stamps={r.item.id: r.updated_at for r in rows if r.updated_at})
        else:
            spec = EDGE_SPECS[key]
            res = store.upsert_edges(key, items, on_batch=on_rows, stamps={
                (getattr(r.item, spec.source_field), getattr(r.item, spec.target_field)): r.updated_at
                for r in rows if r.updated_at})
        report.results[FILES[key]] = res
    if scores:
        known = {r.item.id for r in parsed.rows.get(Label.Deal, [])}
        missing = store.missing_ids(Label.Deal, {s["id"] for s in scores} - known)
        report.scores = store.save_deal_scores([s for s in scores if s["id"] not in missing])
    return report


# ============================================================================ writing


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return LIST_SEP.join(str(x) for x in v)
    return str(v)


def _scope(store: Store, account_ids: Iterable[str] | None):
    """Which rows an export keeps: everything, or the given accounts with what hangs on them (reference
    data such as offices, industries, employees, partners and competitors is always exported whole)."""
    if account_ids is None:
        return None
    accounts = set(account_ids)
    missing = store.missing_ids(Label.Account, accounts)
    if missing:
        raise KamError(f"no account with id {', '.join(sorted(missing))}")
    return {"accounts": accounts, "stakeholders": set(), "deals": set()}


def _keep_node(label: Label, props: dict, scope) -> bool:
    if scope is None:
        return True
    if label == Label.Account:
        return props["id"] in scope["accounts"]
    if label in (Label.OrgUnit, Label.Stakeholder, Label.Deal, Label.Lead, Label.AccountSnapshot):
        keep = props.get("account_id") in scope["accounts"]
        if keep and label == Label.Stakeholder:
            scope["stakeholders"].add(props["id"])
        if keep and label == Label.Deal:
            scope["deals"].add(props["id"])
        return keep
    if label == Label.Activity:
        return all(s in scope["stakeholders"] for s in props.get("stakeholder_ids") or []) and (
            props.get("deal_id") is None or props["deal_id"] in scope["deals"])
    if "deal_id" in NODE_SPECS[label].model.model_fields:  # the deals' process records
        return props.get("deal_id") in scope["deals"]
    return True


def _keep_edge(rel: Rel, src: str, dst: str, scope) -> bool:
    if scope is None:
        return True
    if rel == Rel.KNOWS:
        return dst in scope["stakeholders"]
    if rel == Rel.INFLUENCES:
        return src in scope["stakeholders"] and dst in scope["stakeholders"]
    if rel == Rel.IN_CHAIN:
        return src in scope["stakeholders"] and dst in scope["deals"]
    return dst in scope["deals"]


def _export_rows(store: Store, scope, on_rows) -> Iterable[tuple[Label | Rel, list[dict]]]:
    for label in NODE_ORDER:
        fields = columns(label)
        rows = [{f: p.get(f) for f in fields} for p in store.iter_nodes(label) if _keep_node(label, p, scope)]
        if on_rows:
            on_rows(len(rows))
        yield label, rows
    for rel in EDGE_ORDER:
        spec = EDGE_SPECS[rel]
        fields = columns(rel)
        rows = []
        for src, dst, props in store.iter_edges(rel):
            if _keep_edge(rel, src, dst, scope):
                row = {f: props.get(f) for f in fields}
                row[spec.source_field], row[spec.target_field] = src, dst
                rows.append(row)
        if on_rows:
            on_rows(len(rows))
        yield rel, rows


def _score_rows(store: Store, scope) -> list[dict]:
    out = []
    for p in store.iter_nodes(Label.Deal):
        if p.get("score") is None or (scope is not None and p["id"] not in scope["deals"]):
            continue
        out.append({c: p.get(c) for c in SCORE_COLUMNS})
    return out


def export_data(store: Store, path: Path, *, fmt: str = "csv", account_ids: Iterable[str] | None = None,
                on_rows: Callable[[int], None] | None = None) -> ExportReport:
    """Write the graph (or the given accounts) as a CSV folder or one JSON document."""
    path = Path(path)
    scope = _scope(store, account_ids)
    report = ExportReport()
    if fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for key, rows in _export_rows(store, scope, on_rows):
            with open(path / FILES[key], "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(columns(key))
                for r in rows:
                    w.writerow([_cell(r[c]) for c in columns(key)])
            report.counts[FILES[key]] = len(rows)
        scores = _score_rows(store, scope)
        with open(path / SCORE_FILE, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(SCORE_COLUMNS)
            for s in scores:
                w.writerow([_cell(s[c]) for c in SCORE_COLUMNS])
        report.scores = len(scores)
    elif fmt == "json":
        doc: dict[str, Any] = {"format": JSON_FORMAT, "version": 1,
                               "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                               "nodes": {}, "relationships": {}}
        for key, rows in _export_rows(store, scope, on_rows):
            section = "nodes" if isinstance(key, Label) else "relationships"
            doc[section][key.value] = [{k: v for k, v in r.items() if v is not None} for r in rows]
            report.counts[key.value] = len(rows)
        doc["deal_scores"] = _score_rows(store, scope)
        report.scores = len(doc["deal_scores"])
        if path.suffix.lower() != ".json":
            raise KamError(f"a JSON export goes to a file ending in .json, not {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        raise KamError(f"unknown export format {fmt!r}; use csv or json")
    return report
