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

# Portfolio rescoring, a chunk of accounts at a time: their open deals with chain members...
MATCH_OPEN_DEALS_OF_ACCOUNTS: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:FOR_ACCOUNT]-(d:Deal)
WHERE d.status = 'open'
RETURN properties(d) AS deal,
  [(s:Stakeholder)-[m:IN_CHAIN]->(d) | {s: s.id, m: properties(m)}] AS members
"""

# ... and their people, each with ties, outgoing influence and activities.
MATCH_PEOPLE_OF_ACCOUNTS: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)
RETURN properties(s) AS person,
  [(e:Employee)-[k:KNOWS]->(s) | {e: e.id, k: properties(k)}] AS ties,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(act:Activity)-[:WITH]->(s) | {date: act.date, by: act.employee_id}] AS acts
"""

# The same for people by id (chain members who work elsewhere).
MATCH_PEOPLE_BY_ID: LiteralString = """
UNWIND $ids AS sid
MATCH (s:Stakeholder {id: sid})
RETURN properties(s) AS person,
  [(e:Employee)-[k:KNOWS]->(s) | {e: e.id, k: properties(k)}] AS ties,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(act:Activity)-[:WITH]->(s) | {date: act.date, by: act.employee_id}] AS acts
"""

# Accounts that have open deals, keyset-paged.
MATCH_ACCOUNTS_WITH_OPEN_DEALS: LiteralString = """
MATCH (d:Deal)
WHERE d.status = 'open' AND d.account_id > $after
RETURN DISTINCT d.account_id AS id ORDER BY id LIMIT $limit
"""

COUNT_OPEN_DEALS: LiteralString = "MATCH (d:Deal) WHERE d.status = 'open' RETURN count(d) AS n"

# Store each deal's latest score (derived data: updated_at is not touched).
SET_DEAL_SCORES: LiteralString = """
UNWIND $rows AS row
MATCH (d:Deal {id: row.id})
SET d.score = row.score, d.win_probability = row.win_probability, d.shot_ready = row.shot_ready,
    d.risk_codes = row.risk_codes, d.scored_at = $now
RETURN count(d) AS n
"""

# Warm paths: employee -KNOWS-> stakeholder -INFLUENCES*0..3-> target, as candidates for ranking.
MATCH_WARM_PATHS: LiteralString = """
MATCH (t:Stakeholder {id: $target_id})
MATCH p = (s:Stakeholder)-[:INFLUENCES*0..3]->(t)
WITH p, s
MATCH (e:Employee)-[k:KNOWS]->(s)
RETURN e.id AS employee_id, properties(k) AS tie, [n IN nodes(p) | n.id] AS people,
  [r IN relationships(p) | r.strength] AS strengths
LIMIT $limit
"""

LAST_ACTIVITY_BETWEEN: LiteralString = """
UNWIND $pairs AS pair
MATCH (e:Employee {id: pair.e})<-[:BY]-(act:Activity)-[:WITH]->(s:Stakeholder {id: pair.s})
RETURN pair.e AS e, pair.s AS s, max(act.date) AS last
"""

# Employee influence: the employee's ties, with the people's chain memberships in open deals and
# every tie's closeness at those people's accounts (for the employee's share of each account).
MATCH_EMPLOYEE_TIES: LiteralString = """
MATCH (e:Employee {id: $employee_id})
RETURN properties(e) AS employee,
  [(e)-[k:KNOWS]->(s:Stakeholder) | {s: properties(s), k: properties(k),
     acts: [(e)<-[:BY]-(act:Activity)-[:WITH]->(s) | act.date]}] AS ties
"""

MATCH_ACCOUNT_TIES: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)<-[k:KNOWS]-(e:Employee)
RETURN aid AS account_id, e.id AS employee_id, s.id AS stakeholder_id, properties(k) AS tie,
  [(e)<-[:BY]-(act:Activity)-[:WITH]->(s) | act.date] AS acts
"""

MATCH_CHAINS_OF_PEOPLE: LiteralString = """
UNWIND $ids AS sid
MATCH (s:Stakeholder {id: sid})-[m:IN_CHAIN]->(d:Deal)
RETURN s.id AS s, properties(m) AS m, properties(d) AS deal
"""

# Closed deals that carry the score they had when they closed (for win-probability calibration).
CLOSED_DEALS_WITH_SCORE: LiteralString = """
MATCH (d:Deal)
WHERE d.status IN ['won', 'lost'] AND d.score IS NOT NULL
RETURN d.score AS score, d.status AS status
"""
