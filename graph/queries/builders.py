"""Small builders for the queries that are the same for every label or relationship type.

Labels and relationship types come from the schema Enums and property names from the model
specs (code, never user input); every value goes in as a ``$parameter``.
"""

from __future__ import annotations

import re
from typing import LiteralString, cast

from graph.schema import EdgeSpec, Label, NodeSpec, Ref

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _ident(name: str) -> LiteralString:
    if not _IDENT.match(name):  # defence in depth: identifiers come from code, not from users
        raise ValueError(f"not an identifier: {name!r}")
    return cast(LiteralString, name)


def _label(label: Label) -> LiteralString:
    return _ident(Label(label).value)


# The outcome of an upsert, decided before the MERGE: created, updated or unchanged. A property
# set to null counts as unchanged when it is absent.
_OUTCOME: LiteralString = (
    "CASE WHEN old IS NULL THEN 'created' "
    "WHEN all(k IN keys(row.props) WHERE (row.props[k] IS NULL AND old[k] IS NULL) OR old[k] = row.props[k]) "
    "THEN 'unchanged' ELSE 'updated' END AS outcome"
)


def unique_id_constraint(label: Label) -> LiteralString:
    lb = _label(label)
    return "CREATE CONSTRAINT " + lb.lower() + "_id IF NOT EXISTS FOR (n:" + lb + ") REQUIRE n.id IS UNIQUE"


def property_index(label: Label, prop: str) -> LiteralString:
    lb, p = _label(label), _ident(prop)
    return "CREATE INDEX " + lb.lower() + "_" + p + " IF NOT EXISTS FOR (n:" + lb + ") ON (n." + p + ")"


# updated_at moves only when something changed, unless the row brings its own (a restore).
_STAMP: LiteralString = (
    "CASE WHEN row.updated_at IS NOT NULL THEN row.updated_at WHEN outcome = 'unchanged' THEN x.updated_at ELSE $now END"
)


def upsert_nodes(spec: NodeSpec) -> LiteralString:
    """``$rows``: [{id, props, updated_at?}], ``$now``: ISO timestamp. Returns (outcome, n) rows."""
    lb = _label(spec.label)
    return (
        "UNWIND $rows AS row "
        "OPTIONAL MATCH (old:" + lb + " {id: row.id}) "
        "WITH row, " + _OUTCOME + " "
        "MERGE (x:" + lb + " {id: row.id}) "
        "SET x += row.props "
        "SET x.updated_at = " + _STAMP + " "
        "RETURN outcome, count(*) AS n"
    )


def link_refs(spec: NodeSpec, ref: Ref) -> LiteralString:
    """``$rows``: [{id, ref: [target ids]}]: keep exactly these ``rel`` edges from each node."""
    lb, rel, tg = _label(spec.label), _ident(ref.rel.value), _label(ref.target)
    return (
        "UNWIND $rows AS row "
        "MATCH (n:" + lb + " {id: row.id}) "
        "OPTIONAL MATCH (n)-[r:" + rel + "]->(old:" + tg + ") WHERE NOT old.id IN row.ref "
        "DELETE r "
        "WITH DISTINCT n, row "
        "UNWIND row.ref AS ref "
        "MATCH (t:" + tg + " {id: ref}) "
        "MERGE (n)-[:" + rel + "]->(t)"
    )


def missing_ids(label: Label) -> LiteralString:
    """``$ids`` -> the ones with no node of this label."""
    return (
        "UNWIND $ids AS id OPTIONAL MATCH (n:" + _label(label) + " {id: id}) "
        "WITH id, n WHERE n IS NULL RETURN collect(id) AS missing"
    )


def get_nodes(label: Label) -> LiteralString:
    """``$ids`` -> one row per existing node, as a map of its properties."""
    return "UNWIND $ids AS id MATCH (n:" + _label(label) + " {id: id}) RETURN n {.*} AS n"


def list_nodes(spec: NodeSpec, filters: list[str]) -> LiteralString:
    """Keyset page ordered by id. ``$after`` (exclusive, may be null), ``$limit``, ``$f_<prop>`` per filter."""
    lb = _label(spec.label)
    conds: list[LiteralString] = ["($after IS NULL OR n.id > $after)"]
    for f in filters:
        if f not in spec.filters:
            raise ValueError(f"{spec.label.value} cannot be filtered by {f!r}; allowed: {', '.join(spec.filters)}")
        p = _ident(f)
        conds.append("n." + p + " = $f_" + p)
    return "MATCH (n:" + lb + ") WHERE " + " AND ".join(conds) + " RETURN n {.*} AS n ORDER BY n.id LIMIT $limit"


def upsert_edges(spec: EdgeSpec) -> LiteralString:
    """``$rows``: [{src, dst, props, updated_at?}], ``$now``. Endpoints must exist (checked before)."""
    s, t, rel = _label(spec.source), _label(spec.target), _ident(spec.rel.value)
    return (
        "UNWIND $rows AS row "
        "MATCH (a:" + s + " {id: row.src}) MATCH (b:" + t + " {id: row.dst}) "
        "OPTIONAL MATCH (a)-[old:" + rel + "]->(b) "
        "WITH a, b, row, " + _OUTCOME + " "
        "MERGE (a)-[x:" + rel + "]->(b) "
        "SET x += row.props "
        "SET x.updated_at = " + _STAMP + " "
        "RETURN outcome, count(*) AS n"
    )


def get_edges(spec: EdgeSpec) -> LiteralString:
    """``$pairs``: [{src, dst}] -> the edge's properties with its endpoint ids."""
    s, t, rel = _label(spec.source), _label(spec.target), _ident(spec.rel.value)
    return (
        "UNWIND $pairs AS pair MATCH (a:" + s + " {id: pair.src})-[r:" + rel + "]->(b:" + t + " {id: pair.dst}) "
        "RETURN a.id AS src, b.id AS dst, r {.*} AS props"
    )


def list_edges(spec: EdgeSpec, by: str | None) -> LiteralString:
    """Edges of a type, optionally those touching one node (``by`` = 'src' or 'dst', ``$id``), keyset-paged
    on ``src + '|' + dst`` with ``$after`` and ``$limit``."""
    s, t, rel = _label(spec.source), _label(spec.target), _ident(spec.rel.value)
    where: LiteralString = ""
    if by == "src":
        where = " AND a.id = $id"
    elif by == "dst":
        where = " AND b.id = $id"
    elif by is not None:
        raise ValueError("by must be 'src', 'dst' or None")
    return (
        "MATCH (a:" + s + ")-[r:" + rel + "]->(b:" + t + ") "
        "WITH a, r, b, a.id + '|' + b.id AS key WHERE ($after IS NULL OR key > $after)" + where + " "
        "RETURN a.id AS src, b.id AS dst, r {.*} AS props, key ORDER BY key LIMIT $limit"
    )


def delete_edges(spec: EdgeSpec) -> LiteralString:
    """``$pairs``: [{src, dst}] -> number of edges deleted."""
    s, t, rel = _label(spec.source), _label(spec.target), _ident(spec.rel.value)
    return (
        "UNWIND $pairs AS pair MATCH (a:" + s + " {id: pair.src})-[r:" + rel + "]->(b:" + t + " {id: pair.dst}) "
        "DELETE r RETURN count(*) AS n"
    )


def dependents(spec: NodeSpec, ref: Ref, target: Label) -> LiteralString:
    """Nodes of ``spec`` whose ``ref`` points at ``$ids`` of ``target``."""
    return (
        "UNWIND $ids AS id MATCH (n:" + _label(target) + " {id: id})<-[:" + _ident(ref.rel.value) + "]-(d:"
        + _label(spec.label) + ") RETURN DISTINCT d.id AS id, d." + _ident(ref.field) + " AS ref"
    )


def clear_ref(spec: NodeSpec, ref: Ref) -> LiteralString:
    """Drop ``$ids`` from the ``ref`` property of the nodes that point at them (null, or out of the list)."""
    lb, p, rel = _label(spec.label), _ident(ref.field), _ident(ref.rel.value)
    if ref.many:
        setter: LiteralString = "SET d." + p + " = [x IN d." + p + " WHERE NOT x IN $ids], d.updated_at = $now"
    else:
        setter = "SET d." + p + " = null, d.updated_at = $now"
    return (
        "UNWIND $ids AS id MATCH (n:" + _label(ref.target) + " {id: id})<-[:" + rel + "]-(d:" + lb + ") "
        "WITH DISTINCT d " + setter + " RETURN count(d) AS n"
    )


def detach_delete(label: Label) -> LiteralString:
    return "UNWIND $ids AS id MATCH (n:" + _label(label) + " {id: id}) DETACH DELETE n RETURN count(*) AS n"


def count_nodes(label: Label) -> LiteralString:
    return "MATCH (n:" + _label(label) + ") RETURN count(n) AS n"


def count_edges(spec: EdgeSpec) -> LiteralString:
    return "MATCH (:" + _label(spec.source) + ")-[r:" + _ident(spec.rel.value) + "]->(:" + _label(spec.target) + ") RETURN count(r) AS n"


def all_nodes(label: Label) -> LiteralString:
    """Every node of a label (streamed by the caller), ordered by id."""
    return "MATCH (n:" + _label(label) + ") RETURN properties(n) AS n ORDER BY n.id"


def all_edges(spec: EdgeSpec) -> LiteralString:
    """Every relationship of a type (streamed by the caller)."""
    s, t, rel = _label(spec.source), _label(spec.target), _ident(spec.rel.value)
    return "MATCH (a:" + s + ")-[r:" + rel + "]->(b:" + t + ") RETURN a.id AS src, b.id AS dst, properties(r) AS props"
