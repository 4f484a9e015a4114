"""Queries the benchmarks use as baselines (kept here with all other Cypher)."""

from typing import LiteralString

COUNT_RELATIONSHIPS: LiteralString = "MATCH ()-[r]->() RETURN count(r) AS n"

# The naive way to write a tie: one statement per row (the baseline of the batched upsert).
MERGE_ONE_TIE: LiteralString = (
    "MATCH (a:Employee {id: $src}) MATCH (b:Stakeholder {id: $dst}) MERGE (a)-[r:KNOWS]->(b) SET r.closeness = $closeness"
)
