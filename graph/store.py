"""The repository: validated, batched, idempotent writes and the reads everything else builds on.

Every write validates all rows first (pydantic) and checks every reference before anything is
written; each batch is one transaction, so a batch is either fully written or not at all, and
running the same rows again changes nothing (upsert by external id).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from graph.db import GraphDB, Tx
from graph.queries import access as qa
from graph.queries import builders as qb
from graph.queries import subgraph as qs
from graph.schema import EDGE_SPECS, NODE_SPECS, EdgeSpec, Label, NodeSpec, Rel
from kam.errors import Conflict, InvalidInput, NotFound, Problem, problems_from_validation_error
from kam.models import Account, ChainMember, Deal, Edge, Node, OrgUnit, Stakeholder, TeamMember
from kam.subgraph import (
    AccountDeals, AccountGraph, ChainEntry, DealSubgraph, EmployeeTies, InfluenceEdge, PathCandidate, Tie,
)

__all__ = ["Store", "UpsertResult", "Page", "DeleteReport", "Audit", "MAX_PAGE"]

M = TypeVar("M", bound=BaseModel)
MAX_PAGE = 500


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, rows: list[dict]) -> None:
        for r in rows:
            setattr(self, r["outcome"], getattr(self, r["outcome"]) + r["n"])

    def __iadd__(self, other: "UpsertResult") -> "UpsertResult":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


@dataclass(frozen=True)
class Audit:
    """Who changed what: written in the same transaction as the change it records."""

    actor: str
    role: str
    action: str
    target_label: str
    target_id: str
    changes: dict[str, Any] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        import json
        import uuid

        at = _now()
        # ids sort by time (newest first in the trail), then a random suffix
        return {"id": at + "-" + uuid.uuid4().hex[:8], "at": at, "actor": self.actor, "role": self.role,
                "action": self.action, "target_label": self.target_label, "target_id": self.target_id,
                "changes": json.dumps(self.changes, ensure_ascii=False, default=str)}


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


@dataclass
class DeleteReport:
    deleted: dict[str, int] = field(default_factory=dict)


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor in (None, ""):
        return None
    try:
        return base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput([Problem("after", "is not a cursor this API returned")]) from exc


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _date(v: Any) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _ref_values(item: Node, ref) -> list[str]:
    v = getattr(item, ref.field)
    if ref.many:
        return list(v or [])
    return [] if v is None else [v]


class Store:
    """All reads and writes of the domain graph. Receives the database in its constructor."""

    def __init__(self, db: GraphDB, batch_size: int = 2000):
        self.db = db
        self.batch_size = batch_size

    # ================================================================== validation

    @staticmethod
    def _validate(model: type[M], rows: Iterable[dict | M], key: Callable[[M], Any], first_row: int) -> list[tuple[int, M]]:
        items: list[tuple[int, M]] = []
        problems: list[Problem] = []
        seen: dict[Any, int] = {}
        for i, row in enumerate(rows, start=first_row):
            if isinstance(row, model):
                item = row
            else:
                try:
                    item = model.model_validate(row)
                except ValidationError as exc:
                    problems.extend(problems_from_validation_error(exc, i))
                    continue
            k = key(item)
            if k in seen:
                problems.append(Problem("id", f"duplicate of row {seen[k]} ({k})", i, k))
                continue
            seen[k] = i
            items.append((i, item))
        if problems:
            raise InvalidInput(problems, model.__name__ + " rows")
        return items

    def _missing(self, tx: Tx, label: Label, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        missing: set[str] = set()
        for chunk in _batches(ids, 20_000):
            missing |= set(tx.run(qb.missing_ids(label), ids=list(chunk))[0]["missing"])
        return missing

    def _check_node_refs(self, spec: NodeSpec, items: list[tuple[int, Node]]) -> None:
        problems: list[Problem] = []
        own_ids = {it.id for _, it in items}

        def check(tx: Tx) -> None:
            for ref in spec.refs:
                wanted: dict[str, list[int]] = defaultdict(list)
                for row, it in items:
                    for v in _ref_values(it, ref):
                        wanted[v].append(row)
                if ref.target == spec.label:
                    for v in own_ids:
                        wanted.pop(v, None)
                for v in sorted(self._missing(tx, ref.target, wanted)):
                    for row in wanted[v]:
                        problems.append(Problem(ref.field, f"{ref.target.value} {v!r} does not exist", row, v))

        self.db.read_tx(check)
        if problems:
            problems.sort(key=lambda p: (p.row or 0, p.field))
            raise InvalidInput(problems, spec.label.value + " rows")

    def _check_edge_ends(self, spec: EdgeSpec, items: list[tuple[int, Edge]]) -> None:
        problems: list[Problem] = []

        def check(tx: Tx) -> None:
            for label, fld in ((spec.source, spec.source_field), (spec.target, spec.target_field)):
                wanted: dict[str, list[int]] = defaultdict(list)
                for row, it in items:
                    wanted[getattr(it, fld)].append(row)
                for v in sorted(self._missing(tx, label, wanted)):
                    for row in wanted[v]:
                        problems.append(Problem(fld, f"{label.value} {v!r} does not exist", row, v))

        self.db.read_tx(check)
        if problems:
            problems.sort(key=lambda p: (p.row or 0, p.field))
            raise InvalidInput(problems, spec.rel.value + " rows")

    # ================================================================== node writes

    def upsert_nodes(
        self,
        label: Label,
        rows: Iterable[dict | Node],
        *,
        first_row: int = 1,
        on_batch: Callable[[int], None] | None = None,
        audit: Audit | None = None,
        stamps: dict[str, str] | None = None,
    ) -> UpsertResult:
        """Create or update nodes by id, with their reference edges. Validates every row and every
        reference first: one bad row raises ``InvalidInput`` naming it and nothing is written.
        ``audit`` is recorded in the transaction of the first batch; ``stamps`` (id -> updated_at)
        restore change times from a backup."""
        spec = NODE_SPECS[Label(label)]
        items = self._validate(spec.model, rows, lambda it: it.id, first_row)
        self._check_node_refs(spec, items)
        result = UpsertResult()
        batches = list(_batches([it for _, it in items], self.batch_size))
        for batch in batches:

            def write(tx: Tx, batch=batch, first=batch is batches[0]) -> UpsertResult:
                r = self.write_nodes(tx, spec.label, batch, self_refs=len(batches) == 1, stamps=stamps)
                if audit is not None and first:
                    tx.run(qa.CREATE_AUDIT, **audit.params())
                return r

            result += self.db.write_tx(write)
            if on_batch:
                on_batch(len(batch))
        if len(batches) > 1:
            # references to the same label (a manager, a parent unit) may point into a later batch:
            # they are linked once every node of this call exists
            for batch in batches:
                for ref in spec.refs:
                    if ref.target == spec.label:
                        self.db.run_write(qb.link_refs(spec, ref),
                                          rows=[{"id": it.id, "ref": _ref_values(it, ref)} for it in batch])
        return result

    @staticmethod
    def write_nodes(tx: Tx, label: Label, items: Sequence[Node], self_refs: bool = True,
                    stamps: dict[str, str] | None = None) -> UpsertResult:
        """Upsert validated nodes and their reference edges inside the caller's transaction (the
        composite writes of the sales process use it to change several things atomically)."""
        spec = NODE_SPECS[Label(label)]
        r = UpsertResult()
        stamps = stamps or {}
        r.add(tx.run(qb.upsert_nodes(spec), now=_now(),
                     rows=[{"id": it.id, "props": it.to_props(), "updated_at": stamps.get(it.id)} for it in items]))
        for ref in spec.refs:
            if ref.target != spec.label or self_refs:
                tx.run(qb.link_refs(spec, ref), rows=[{"id": it.id, "ref": _ref_values(it, ref)} for it in items])
        return r

    def upsert(self, item: Node) -> UpsertResult:
        """Upsert one node (its label is the model's class name)."""
        return self.upsert_nodes(Label(type(item).__name__), [item])

    # ================================================================== edge writes

    def upsert_edges(
        self,
        rel: Rel,
        rows: Iterable[dict | Edge],
        *,
        first_row: int = 1,
        on_batch: Callable[[int], None] | None = None,
        audit: Audit | None = None,
        stamps: dict[tuple[str, str], str] | None = None,
    ) -> UpsertResult:
        """Create or update relationships by their two endpoints; both must exist. ``stamps``
        ((source id, target id) -> updated_at) restore change times from a backup."""
        spec = EDGE_SPECS[Rel(rel)]
        items = self._validate(spec.model, rows, lambda it: (getattr(it, spec.source_field), getattr(it, spec.target_field)), first_row)
        self._check_edge_ends(spec, items)
        result = UpsertResult()
        q = qb.upsert_edges(spec)
        skip = spec.endpoint_fields
        for i, batch in enumerate(_batches([it for _, it in items], self.batch_size)):
            rows_ = [
                {
                    "src": getattr(it, spec.source_field),
                    "dst": getattr(it, spec.target_field),
                    "props": {k: v for k, v in it.to_props().items() if k not in skip},
                    "updated_at": (stamps or {}).get((getattr(it, spec.source_field), getattr(it, spec.target_field))),
                }
                for it in batch
            ]

            def write(tx: Tx, rows_=rows_, first=i == 0) -> UpsertResult:
                r = self._outcome(tx.run(q, rows=rows_, now=_now()))
                if audit is not None and first:
                    tx.run(qa.CREATE_AUDIT, **audit.params())
                return r

            result += self.db.write_tx(write)
            if on_batch:
                on_batch(len(batch))
        return result

    @staticmethod
    def _outcome(rows: list[dict]) -> UpsertResult:
        r = UpsertResult()
        r.add(rows)
        return r

    def delete_edges(self, rel: Rel, pairs: Iterable[tuple[str, str]], audit: Audit | None = None) -> int:
        spec = EDGE_SPECS[Rel(rel)]
        ps = [{"src": s, "dst": d} for s, d in pairs]
        if not ps:
            return 0

        def work(tx: Tx) -> int:
            n = tx.run(qb.delete_edges(spec), pairs=ps)[0]["n"]
            if audit is not None and n:
                tx.run(qa.CREATE_AUDIT, **audit.params())
            return n

        return self.db.write_tx(work)

    # ================================================================== reads

    def get_many(self, label: Label, ids: Iterable[str]) -> dict[str, Node]:
        spec = NODE_SPECS[Label(label)]
        rows = self.db.run_read(qb.get_nodes(spec.label), ids=list(ids))
        return {r["n"]["id"]: spec.model.from_props(r["n"]) for r in rows}

    def get(self, label: Label, id: str) -> Node:
        found = self.get_many(label, [id])
        if id not in found:
            raise NotFound(Label(label).value, id)
        return found[id]

    def get_props(self, label: Label, id: str) -> dict[str, Any]:
        """The stored properties of a node, including ``updated_at`` and derived values such as scores."""
        rows = self.db.run_read(qb.get_nodes(Label(label)), ids=[id])
        if not rows:
            raise NotFound(Label(label).value, id)
        return rows[0]["n"]

    def list(self, label: Label, *, first: int = 50, after: str | None = None, **filters: Any) -> Page:
        """A page of nodes ordered by id, filtered by exact property values (None filters are ignored)."""
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput([Problem("first", f"must be from 1 to {MAX_PAGE}, got {first}")])
        spec = NODE_SPECS[Label(label)]
        active = {k: (v.value if hasattr(v, "value") else v) for k, v in filters.items() if v is not None}
        try:
            q = qb.list_nodes(spec, sorted(active))
        except ValueError as exc:
            raise InvalidInput([Problem("filter", str(exc))]) from exc
        params = {f"f_{k}": v for k, v in active.items()}
        rows = self.db.run_read(q, after=decode_cursor(after), limit=first + 1, **params)
        items = [spec.model.from_props(r["n"]) for r in rows[:first]]
        nxt = encode_cursor(items[-1].id) if len(rows) > first else None
        return Page(items, nxt)

    def get_edge(self, rel: Rel, source_id: str, target_id: str) -> Edge:
        spec = EDGE_SPECS[Rel(rel)]
        rows = self.db.run_read(qb.get_edges(spec), pairs=[{"src": source_id, "dst": target_id}])
        if not rows:
            raise NotFound(spec.rel.value, f"{source_id}->{target_id}")
        return self._edge_from_row(spec, rows[0])

    @staticmethod
    def _edge_from_row(spec: EdgeSpec, row: dict) -> Edge:
        props = dict(row["props"])
        props[spec.source_field] = row["src"]
        props[spec.target_field] = row["dst"]
        return spec.model.from_props(props)

    def list_edges(
        self, rel: Rel, *, source_id: str | None = None, target_id: str | None = None, first: int = 50, after: str | None = None
    ) -> Page:
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput([Problem("first", f"must be from 1 to {MAX_PAGE}, got {first}")])
        if source_id is not None and target_id is not None:
            raise InvalidInput([Problem("target_id", "give source_id or target_id, not both")])
        spec = EDGE_SPECS[Rel(rel)]
        by = "src" if source_id is not None else "dst" if target_id is not None else None
        rows = self.db.run_read(
            qb.list_edges(spec, by), id=source_id if by == "src" else target_id, after=decode_cursor(after), limit=first + 1
        )
        items = [self._edge_from_row(spec, r) for r in rows[:first]]
        nxt = encode_cursor(rows[first - 1]["key"]) if len(rows) > first else None
        return Page(items, nxt)

    def missing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        """The ids among ``ids`` with no node of this label."""
        return self.db.read_tx(lambda tx: self._missing(tx, Label(label), ids))

    def iter_nodes(self, label: Label) -> Iterator[dict[str, Any]]:
        """Every node of a label as its stored properties (``updated_at`` and derived values included),
        streamed in one query."""
        for r in self.db.stream(qb.all_nodes(Label(label))):
            yield r["n"]

    def iter_edges(self, rel: Rel) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every relationship of a type as (source id, target id, properties), streamed in one query."""
        for r in self.db.stream(qb.all_edges(EDGE_SPECS[Rel(rel)])):
            yield r["src"], r["dst"], r["props"]

    def count(self, label: Label) -> int:
        return self.db.run_read(qb.count_nodes(Label(label)))[0]["n"]

    def count_edges(self, rel: Rel) -> int:
        return self.db.run_read(qb.count_edges(EDGE_SPECS[Rel(rel)]))[0]["n"]

    # ================================================================== deletes

    def delete(self, label: Label, id: str, *, force: bool = False, audit: Audit | None = None) -> DeleteReport:
        """Delete a node and the relationships that hang on it, in one transaction.

        Rules: relationship data goes with the node (a deal's chain, team and competitor edges);
        optional references to it are cleared (e.g. a stakeholder's ``reports_to_id``); lists lose
        its id, and an activity left with nobody is deleted; nodes that cannot exist without it
        (an account's deals, stakeholders and org units; an employee's activities) make the
        delete fail with ``Conflict`` unless ``force`` is set, when they are deleted too.
        """
        label = Label(label)

        def work(tx: Tx) -> DeleteReport:
            if not tx.run(qb.get_nodes(label), ids=[id]):
                raise NotFound(label.value, id)
            plan: dict[Label, set[str]] = {label: {id}}
            blockers: dict[str, int] = defaultdict(int)
            queue = [(label, {id})]
            while queue:
                lb, ids = queue.pop()
                for spec in NODE_SPECS.values():
                    for ref in spec.refs:
                        if ref.target != lb or not ref.required:
                            continue
                        deps = tx.run(qb.dependents(spec, ref, lb), ids=list(ids))
                        new: set[str] = set()
                        for d in deps:
                            if d["id"] in plan.get(spec.label, set()):
                                continue
                            if ref.many:
                                left = set(d["ref"] or []) - plan.get(lb, set())
                                if not left:  # e.g. an activity with nobody left
                                    new.add(d["id"])
                            elif force:
                                new.add(d["id"])
                            else:
                                blockers[spec.label.value] += 1
                        if new:
                            plan.setdefault(spec.label, set()).update(new)
                            queue.append((spec.label, new))
            if blockers:
                what = ", ".join(f"{n} {lbl}" for lbl, n in sorted(blockers.items()))
                raise Conflict(
                    f"{label.value} {id!r} cannot be deleted: {what} depend on it; "
                    "delete those first, or force the delete to remove them too"
                )
            now = _now()
            for lb, ids in plan.items():
                for spec in NODE_SPECS.values():
                    for ref in spec.refs:
                        if ref.target == lb:
                            tx.run(qb.clear_ref(spec, ref), ids=list(ids), now=now)
            report = DeleteReport()
            for lb, ids in plan.items():
                report.deleted[lb.value] = tx.run(qb.detach_delete(lb), ids=list(ids))[0]["n"]
            if audit is not None:
                tx.run(qa.CREATE_AUDIT, **Audit(audit.actor, audit.role, audit.action, audit.target_label,
                                                audit.target_id, {**audit.changes, "deleted": report.deleted}).params())
            return report

        return self.db.write_tx(work)

    # ================================================================== subgraph loaders

    def load_deal_chain(self, deal_id: str) -> DealSubgraph:
        """A deal's decision chain for scoring, in two round trips of one read transaction."""

        def work(tx: Tx) -> DealSubgraph:
            rows = tx.run(qs.MATCH_DECISION_CHAIN, deal_id=deal_id)
            if not rows:
                raise NotFound("Deal", deal_id)
            head = rows[0]
            member_ids = [x["s"]["id"] for x in head["members"]]
            around = tx.run(qs.MATCH_PEOPLE_AROUND, account_id=head["deal"].get("account_id"), member_ids=member_ids)
            return _deal_subgraph(head, around)

        return self.db.read_tx(work)

    def load_account_graph(self, account_id: str) -> AccountGraph:
        """An account's relationship graph, in two round trips of one read transaction."""
        graphs = self.load_account_graphs([account_id])
        if account_id not in graphs:
            raise NotFound("Account", account_id)
        return graphs[account_id]

    def load_account_graphs(self, account_ids: list[str]) -> dict[str, AccountGraph]:
        """The relationship graphs of several accounts (unknown ids are left out), in two round trips."""

        def work(tx: Tx) -> dict[str, AccountGraph]:
            heads = tx.run(qs.MATCH_ACCOUNTS, account_ids=account_ids)
            if not heads:
                return {}
            rel_rows = defaultdict(list)
            for r in tx.run(qs.MATCH_ACCOUNTS_RELATIONS, account_ids=[h["key"] for h in heads]):
                rel_rows[r["key"]].append(r)
            return {h["key"]: _account_graph(h, rel_rows[h["key"]]) for h in heads}

        return self.db.read_tx(work)

    # ================================================================== portfolio, paths, employees

    def count_open_deals(self) -> int:
        return self.db.run_read(qs.COUNT_OPEN_DEALS)[0]["n"]

    def account_ids(self, chunk: int = 200) -> Iterator[list[str]]:
        """Every account id, ``chunk`` at a time (keyset pages)."""
        after = ""
        while True:
            ids = [r["id"] for r in self.db.run_read(qs.MATCH_ACCOUNT_IDS, after=after, limit=chunk)]
            if not ids:
                return
            yield ids
            after = ids[-1]

    def load_open_deals(self, account_ids: list[str]) -> list[AccountDeals]:
        """The open deals of these accounts as subgraphs, in two or three round trips for the whole chunk."""

        def work(tx: Tx):
            deals = tx.run(qs.MATCH_OPEN_DEALS_OF_ACCOUNTS, account_ids=account_ids)
            people = tx.run(qs.MATCH_PEOPLE_OF_ACCOUNTS, account_ids=account_ids)
            known = {r["person"]["id"] for r in people}
            outside = sorted({m["s"] for d in deals for m in d["members"]} - known)
            if outside:
                people += tx.run(qs.MATCH_PEOPLE_BY_ID, ids=outside)
            return deals, people

        deal_rows, people_rows = self.db.read_tx(work)
        return _account_deals(account_ids, deal_rows, people_rows)

    def load_deals(self, deal_ids: list[str]) -> list[AccountDeals]:
        """Any deals (open or not) as subgraphs grouped by account, in three or four round trips in all."""
        from graph.queries import api as qapi

        def work(tx: Tx):
            deals = tx.run(qapi.DEALS_WITH_CHAINS, ids=deal_ids)
            accounts = sorted({d["deal"]["account_id"] for d in deals})
            people = tx.run(qs.MATCH_PEOPLE_OF_ACCOUNTS, account_ids=accounts) if accounts else []
            known = {r["person"]["id"] for r in people}
            outside = sorted({m["s"] for d in deals for m in d["members"]} - known)
            if outside:
                people += tx.run(qs.MATCH_PEOPLE_BY_ID, ids=outside)
            return accounts, deals, people

        accounts, deal_rows, people_rows = self.db.read_tx(work)
        return _account_deals(accounts, deal_rows, people_rows)

    def load_deal_process(self, deal_id: str) -> dict[str, Any]:
        """A deal's process data in one round trip: the deal (with its stored props), account scope, chain
        roles, team, competitor analyses, plan, reviews, actions, efforts, stage history and violations."""
        from graph.queries import process as qp
        from kam import models as km

        rows = self.db.run_read(qp.MATCH_DEAL_PROCESS, deal_id=deal_id)
        if not rows:
            raise NotFound("Deal", deal_id)
        r = rows[0]
        return {
            "props": r["deal"],
            "deal": Deal.from_props(r["deal"]),
            "office_id": r["office_id"],
            "industry_id": r["industry_id"],
            "chain_roles": r["chain_roles"],
            "team": r["team"],
            "competitors": r["competitors"],
            "plan": km.DealPlan.from_props(r["plan"][0]) if r["plan"] else None,
            "reviews": sorted((km.Review.from_props(x) for x in r["reviews"]), key=lambda x: (x.date, x.id)),
            "actions": sorted((km.Action.from_props(x) for x in r["actions"]), key=lambda x: x.id),
            "efforts": sorted((km.Effort.from_props(x) for x in r["efforts"]), key=lambda x: (x.date, x.id)),
            "history": sorted((km.StageChange.from_props(x) for x in r["history"]), key=lambda x: (x.at, x.id)),
            "violations": sorted((km.Violation.from_props(x) for x in r["violations"]), key=lambda x: (x.at, x.id)),
        }

    def move_stage(self, deal_id: str, from_stage: str, change: Node, violation: Node | None, audit: Audit) -> None:
        """Move the deal and append its history (and violation) in one transaction; refuse if the deal
        moved meanwhile (``Conflict``)."""
        from graph.queries import process as qp

        def work(tx: Tx) -> None:
            if change.to_stage in ("won", "lost", "abandoned"):
                n = tx.run(qp.CLOSE_DEAL, deal_id=deal_id, status=change.to_stage, now=_now())[0]["n"]
            else:
                n = tx.run(qp.MOVE_STAGE, deal_id=deal_id, from_stage=from_stage, to_stage=change.to_stage,
                           now=_now())[0]["n"]
            if not n:
                raise Conflict(f"deal {deal_id!r} is no longer open in stage {from_stage!r}; reload it and try again")
            self.write_nodes(tx, Label.StageChange, [change])
            if violation is not None:
                self.write_nodes(tx, Label.Violation, [violation])
            tx.run(qa.CREATE_AUDIT, **audit.params())

        self.db.write_tx(work)

    def set_grade(self, deal_id: str, grade: str, plan: Node | None, audit: Audit) -> None:
        """Set a deal's grade (and, for a manual grade, its plan) in one transaction."""
        from graph.queries import process as qp

        def work(tx: Tx) -> None:
            if not tx.run(qp.SET_GRADE, deal_id=deal_id, grade=grade, now=_now())[0]["n"]:
                raise NotFound("Deal", deal_id)
            if plan is not None:
                self.write_nodes(tx, Label.DealPlan, [plan])
            tx.run(qa.CREATE_AUDIT, **audit.params())

        self.db.write_tx(work)

    def convert_lead(self, lead: Node, deal: Node, members: list[Edge], change: Node, audit: Audit) -> None:
        """Turn a lead into a deal with its first chain members, in one transaction."""

        def work(tx: Tx) -> None:
            self.write_nodes(tx, Label.Deal, [deal])
            self.write_nodes(tx, Label.Lead, [lead])
            if members:
                spec = EDGE_SPECS[Rel.IN_CHAIN]
                tx.run(qb.upsert_edges(spec), now=_now(), rows=[
                    {"src": m.stakeholder_id, "dst": m.deal_id, "updated_at": None,
                     "props": {k: v for k, v in m.to_props().items() if k not in spec.endpoint_fields}} for m in members])
            self.write_nodes(tx, Label.StageChange, [change])
            tx.run(qa.CREATE_AUDIT, **audit.params())

        self.db.write_tx(work)

    def save_deal_scores(self, rows: list[dict[str, Any]], scored_at: str | None = None) -> int:
        """Store each deal's latest score: ``rows`` of {id, score, win_probability, shot_ready, risk_codes}
        (and ``scored_at`` per row when restoring a backup)."""
        if not rows:
            return 0
        n = 0
        for batch in _batches(rows, self.batch_size):
            n += self.db.run_write(qs.SET_DEAL_SCORES, rows=list(batch), now=scored_at or _now())[0]["n"]
        return n

    def load_warm_path_candidates(self, target_id: str, limit: int = 5000) -> list[PathCandidate]:
        """Every route employee -KNOWS-> s -INFLUENCES*0..3-> target (one query), with the latest
        activity on each tie (a second one)."""
        self.get(Label.Stakeholder, target_id)

        def work(tx: Tx):
            rows = tx.run(qs.MATCH_WARM_PATHS, target_id=target_id, limit=limit)
            pairs = sorted({(r["employee_id"], r["people"][0]) for r in rows})
            last = tx.run(qs.LAST_ACTIVITY_BETWEEN, pairs=[{"e": e, "s": s_} for e, s_ in pairs]) if pairs else []
            return rows, {(r["e"], r["s"]): _date(r["last"]) for r in last}

        rows, last = self.db.read_tx(work)
        out = []
        for r in rows:
            t = _tie(r["employee_id"], r["people"][0], r["tie"], last.get((r["employee_id"], r["people"][0])))
            out.append(PathCandidate(t.employee_id, t.closeness, t.last_used, tuple(r["people"]),
                                     tuple(float(x) for x in r["strengths"])))
        return out

    def load_employee_ties(self, employee_id: str) -> EmployeeTies:
        """An employee's ties, the chains and deals of the people they know, and every tie at those
        people's accounts (for the employee's share of each account's capital)."""

        def work(tx: Tx):
            head = tx.run(qs.MATCH_EMPLOYEE_TIES, employee_id=employee_id)
            if not head:
                raise NotFound("Employee", employee_id)
            ties = head[0]["ties"]
            ids = sorted({t["s"]["id"] for t in ties})
            accounts = sorted({t["s"]["account_id"] for t in ties})
            chains = tx.run(qs.MATCH_CHAINS_OF_PEOPLE, ids=ids) if ids else []
            acc_ties = tx.run(qs.MATCH_ACCOUNT_TIES, account_ids=accounts) if accounts else []
            return head[0], chains, acc_ties

        head, chain_rows, acc_rows = self.db.read_tx(work)

        def latest(dates: list) -> dt.date | None:
            ds = [_date(d) for d in dates if d]
            return max(ds) if ds else None

        people = {t["s"]["id"]: Stakeholder.from_props(t["s"]) for t in head["ties"]}
        ties = [_tie(employee_id, t["s"]["id"], t["k"], latest(t["acts"])) for t in head["ties"]]
        chains, deals = [], {}
        for r in chain_rows:
            deals[r["deal"]["id"]] = Deal.from_props(r["deal"])
            chains.append(ChainMember.from_props({**r["m"], "stakeholder_id": r["s"], "deal_id": r["deal"]["id"]}))
        account_ties: dict[str, list[Tie]] = defaultdict(list)
        for r in acc_rows:
            account_ties[r["account_id"]].append(_tie(r["employee_id"], r["stakeholder_id"], r["tie"], latest(r["acts"])))
        return EmployeeTies(employee_id, head["employee"].get("name", employee_id), ties, people, chains, deals,
                            dict(account_ties))


# ====================================================================== record mappings


def _account_deals(account_ids: list[str], deal_rows: list[dict], people_rows: list[dict]) -> list[AccountDeals]:
    per_tie: dict = {}
    per_person: dict = {}
    persons: dict[str, Stakeholder] = {}
    ties_of: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    edges: list[InfluenceEdge] = []
    for r in people_rows:
        p = r["person"]
        persons[p["id"]] = Stakeholder.from_props(p)
        _last_activities(p["id"], r["acts"], per_tie, per_person)
        ties_of[p["id"]].extend((t["e"], t["k"]) for t in r["ties"])
        edges.extend(InfluenceEdge(p["id"], o["dst"], float(o["strength"])) for o in r["out"])
    edges = [e for e in edges if e.target_id in persons]
    of_account: dict[str, dict[str, Stakeholder]] = defaultdict(dict)
    for pid, p in persons.items():
        of_account[p.account_id][pid] = p
    by_account: dict[str, list[DealSubgraph]] = defaultdict(list)
    for r in deal_rows:
        deal = Deal.from_props(r["deal"])
        members = []
        for m in r["members"]:
            props = dict(m["m"])
            props["stakeholder_id"], props["deal_id"] = m["s"], deal.id
            members.append(ChainEntry(persons[m["s"]], ChainMember.from_props(props)))
        members.sort(key=lambda e: e.stakeholder.id)
        ids = {e.stakeholder.id for e in members}
        people = {**of_account[deal.account_id], **{e.stakeholder.id: e.stakeholder for e in members}}
        ties = [_tie(e, sid, k, per_tie.get((e, sid))) for sid in sorted(ids) for e, k in ties_of[sid]]
        by_account[deal.account_id].append(
            DealSubgraph(deal, members, ties, [], people, {sid: per_person[sid] for sid in ids if sid in per_person})
        )
    out = []
    for aid in account_ids:
        deals = sorted(by_account.get(aid, []), key=lambda sg: sg.deal.id)
        if not deals:
            continue
        members = {e.stakeholder.id for sg in deals for e in sg.members}
        scope = set(of_account[aid]) | members
        acc_edges = sorted((e for e in edges if e.source_id in scope and e.target_id in scope),
                           key=lambda e: (e.source_id, e.target_id))
        for sg in deals:
            sg.influences = [e for e in acc_edges if e.source_id in sg.people and e.target_id in sg.people]
        out.append(AccountDeals(aid, deals, acc_edges))
    return out


def _last_activities(person_id: str, acts: list[dict], per_tie: dict, per_person: dict) -> None:
    for a in acts:
        d = _date(a.get("date"))
        if d is None:
            continue
        if per_person.get(person_id) is None or d > per_person[person_id]:
            per_person[person_id] = d
        k = (a.get("by"), person_id)
        if per_tie.get(k) is None or d > per_tie[k]:
            per_tie[k] = d


def _tie(employee_id: str, stakeholder_id: str, k: dict, last_activity: dt.date | None) -> Tie:
    return Tie(employee_id, stakeholder_id, int(k["closeness"]), _date(k.get("since")), _date(k.get("last_contact")), last_activity)


def _deal_subgraph(head: dict, around: list[dict]) -> DealSubgraph:
    deal = Deal.from_props(head["deal"])
    members = []
    for x in head["members"]:
        m = dict(x["m"])
        m["stakeholder_id"], m["deal_id"] = x["s"]["id"], deal.id
        members.append(ChainEntry(Stakeholder.from_props(x["s"]), ChainMember.from_props(m)))
    members.sort(key=lambda e: e.stakeholder.id)
    per_tie: dict = {}
    per_person: dict = {}
    people: dict[str, Stakeholder] = {}
    influences: list[InfluenceEdge] = []
    for r in around:
        p = r["person"]
        people[p["id"]] = Stakeholder.from_props(p)
        _last_activities(p["id"], r["acts"], per_tie, per_person)
        influences.extend(InfluenceEdge(p["id"], o["dst"], float(o["strength"])) for o in r["out"])
    influences = [e for e in influences if e.target_id in people]
    ties = [_tie(t["e"], t["s"], t["k"], per_tie.get((t["e"], t["s"]))) for t in head["ties"]]
    team = [TeamMember(employee_id=t["e"], deal_id=deal.id, role=t["role"]) for t in head["team"]]
    names = {t["e"]: t["name"] for t in head["team"]}
    return DealSubgraph(deal, members, ties, sorted(influences, key=lambda e: (e.source_id, e.target_id)), people,
                        per_person, team, names)


def _account_graph(head: dict, rel_rows: list[dict]) -> AccountGraph:
    per_tie: dict = {}
    per_person: dict = {}
    for r in rel_rows:
        _last_activities(r["id"], r["acts"], per_tie, per_person)
    ids = {r["id"] for r in rel_rows}
    ties, influences, chains = [], [], []
    for r in rel_rows:
        ties.extend(_tie(t["e"], r["id"], t["k"], per_tie.get((t["e"], r["id"]))) for t in r["ties"])
        influences.extend(InfluenceEdge(r["id"], o["dst"], float(o["strength"])) for o in r["out"] if o["dst"] in ids)
        for c in r["chains"]:
            m = dict(c["m"])
            m["stakeholder_id"], m["deal_id"] = r["id"], c["deal"]
            chains.append(ChainMember.from_props(m))
    return AccountGraph(
        account=Account.from_props(head["account"]),
        stakeholders=sorted((Stakeholder.from_props(s) for s in head["stakeholders"]), key=lambda s: s.id),
        org_units=sorted((OrgUnit.from_props(u) for u in head["org_units"]), key=lambda u: u.id),
        deals=sorted((Deal.from_props(d) for d in head["deals"]), key=lambda d: d.id),
        chains=chains,
        ties=ties,
        influences=influences,
        last_activity=per_person,
    )
