"""Reads that load what scoring needs, in one or two round trips each.

Maps inside map literals use ``properties(x)``, not the projection ``x {.*}``: ArcadeDB's Cypher
flattens a projection nested in a map literal, and ``properties`` means the same on both servers.
"""

from typing import LiteralString

# A deal with its chain members (stakeholder + IN_CHAIN data), every employee tie to each member,
# and the deal team.
MATCH_DECISION_CHAIN: LiteralString = """
MATCH (d:Deal {id: $deal_id})
RETURN properties(d) AS deal,
  [(s:Stakeholder)-[m:IN_CHAIN]->(d) | {s: properties(s), m: properties(m)}] AS members,
  [(e:Employee)-[k:KNOWS]->(s:Stakeholder)-[:IN_CHAIN]->(d) | {e: e.id, s: s.id, k: properties(k)}] AS ties,
  [(e:Employee)-[t:ON_TEAM]->(d) | {e: e.id, name: e.name, role: t.role}] AS team
"""

# The people around a deal (the account's stakeholders plus the chain members), the INFLUENCES
# edges among them and their activities (date and employee), for decay and staleness.
MATCH_PEOPLE_AROUND: LiteralString = """
OPTIONAL MATCH (a:Account {id: $account_id})<-[:WORKS_AT]-(s1:Stakeholder)
WITH collect(s1.id) + $member_ids AS ids
UNWIND ids AS sid
WITH DISTINCT sid
MATCH (s:Stakeholder {id: sid})
RETURN properties(s) AS person,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(act:Activity)-[:WITH]->(s) | {date: act.date, by: act.employee_id}] AS acts
"""

# An account with its stakeholders, org units and deals.
MATCH_ACCOUNT: LiteralString = """
MATCH (a:Account {id: $account_id})
RETURN properties(a) AS account,
  [(s:Stakeholder)-[:WORKS_AT]->(a) | properties(s)] AS stakeholders,
  [(u:OrgUnit)-[:UNIT_OF]->(a) | properties(u)] AS org_units,
  [(d:Deal)-[:FOR_ACCOUNT]->(a) | properties(d)] AS deals
"""

# Per stakeholder of an account: ties (with activities), outgoing influence and chain memberships.
MATCH_ACCOUNT_RELATIONS: LiteralString = """
MATCH (:Account {id: $account_id})<-[:WORKS_AT]-(s:Stakeholder)
RETURN s.id AS id,
  [(e:Employee)-[k:KNOWS]->(s) | {e: e.id, k: properties(k)}] AS ties,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(s)-[m:IN_CHAIN]->(d:Deal) | {deal: d.id, m: properties(m)}] AS chains,
  [(act:Activity)-[:WITH]->(s) | {date: act.date, by: act.employee_id}] AS acts
"""

COUNT_ACCOUNT_DEALS: LiteralString = "MATCH (d:Deal)-[:FOR_ACCOUNT]->(:Account {id: $id}) RETURN count(d) AS n"
