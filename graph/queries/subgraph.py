"""Reads that load what scoring needs, in one or two round trips each.

Maps inside map literals use ``properties(x)``, not the projection ``x {.*}``: ArcadeDB's Cypher
flattens a projection nested in a map literal, and ``properties`` means the same on both servers.
Pattern comprehensions start from the node that is already bound (``(d)<-[:IN_CHAIN]-(s)``, not
``(s)-[:IN_CHAIN]->(d)``): ArcadeDB plans them from the first node, and starting from an unbound
label scans the whole label (25-50 times slower on 100 accounts, measured).
"""

from typing import LiteralString

# A deal with its chain members (stakeholder + IN_CHAIN data), every employee tie to each member,
# and the deal team.
MATCH_DECISION_CHAIN: LiteralString = """
MATCH (d:Deal {id: $deal_id})
RETURN properties(d) AS deal,
  [(d)<-[m:IN_CHAIN]-(s:Stakeholder) | {s: properties(s), m: properties(m)}] AS members,
  [(d)<-[:IN_CHAIN]-(s:Stakeholder)<-[k:KNOWS]-(e:Employee) | {e: e.id, s: s.id, k: properties(k)}] AS ties,
  [(d)<-[t:ON_TEAM]-(e:Employee) | {e: e.id, name: e.name, role: t.role}] AS team
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
  [(s)<-[:WITH]-(act:Activity) | {date: act.date, by: act.employee_id}] AS acts
"""

# Accounts with their stakeholders, org units and deals.
MATCH_ACCOUNTS: LiteralString = """
UNWIND $account_ids AS aid
MATCH (a:Account {id: aid})
RETURN aid AS key, properties(a) AS account,
  [(a)<-[:WORKS_AT]-(s:Stakeholder) | properties(s)] AS stakeholders,
  [(a)<-[:UNIT_OF]-(u:OrgUnit) | properties(u)] AS org_units,
  [(a)<-[:FOR_ACCOUNT]-(d:Deal) | properties(d)] AS deals
"""

# Per stakeholder of the accounts: ties (with activities), outgoing influence and chain memberships.
MATCH_ACCOUNTS_RELATIONS: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)
RETURN aid AS key, s.id AS id,
  [(s)<-[k:KNOWS]-(e:Employee) | {e: e.id, k: properties(k)}] AS ties,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(s)-[m:IN_CHAIN]->(d:Deal) | {deal: d.id, m: properties(m)}] AS chains,
  [(s)<-[:WITH]-(act:Activity) | {date: act.date, by: act.employee_id}] AS acts
"""

# Portfolio rescoring, a chunk of accounts at a time: their open deals with chain members...
MATCH_OPEN_DEALS_OF_ACCOUNTS: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:FOR_ACCOUNT]-(d:Deal)
WHERE d.status = 'open'
RETURN properties(d) AS deal,
  [(d)<-[m:IN_CHAIN]-(s:Stakeholder) | {s: s.id, m: properties(m)}] AS members
"""

# ... and their people, each with ties, outgoing influence and activities.
MATCH_PEOPLE_OF_ACCOUNTS: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)
RETURN properties(s) AS person,
  [(s)<-[k:KNOWS]-(e:Employee) | {e: e.id, k: properties(k)}] AS ties,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(s)<-[:WITH]-(act:Activity) | {date: act.date, by: act.employee_id}] AS acts
"""

# The same for people by id (chain members who work elsewhere).
MATCH_PEOPLE_BY_ID: LiteralString = """
UNWIND $ids AS sid
MATCH (s:Stakeholder {id: sid})
RETURN properties(s) AS person,
  [(s)<-[k:KNOWS]-(e:Employee) | {e: e.id, k: properties(k)}] AS ties,
  [(s)-[i:INFLUENCES]->(t:Stakeholder) | {dst: t.id, strength: i.strength}] AS out,
  [(s)<-[:WITH]-(act:Activity) | {date: act.date, by: act.employee_id}] AS acts
"""

# Account ids, keyset-paged (portfolio rescoring walks them; accounts without open deals add nothing).
MATCH_ACCOUNT_IDS: LiteralString = """
MATCH (a:Account)
WHERE a.id > $after
RETURN a.id AS id ORDER BY id LIMIT $limit
"""

COUNT_OPEN_DEALS: LiteralString = "MATCH (d:Deal) WHERE d.status = 'open' RETURN count(d) AS n"

# Store each deal's latest score (derived data: updated_at is not touched).
SET_DEAL_SCORES: LiteralString = """
UNWIND $rows AS row
MATCH (d:Deal {id: row.id})
SET d.score = row.score, d.win_probability = row.win_probability, d.shot_ready = row.shot_ready,
    d.risk_codes = row.risk_codes, d.scored_at = coalesce(row.scored_at, $now)
RETURN count(d) AS n
"""

# Warm paths: employee -KNOWS-> stakeholder -INFLUENCES*0..3-> target, as candidates for ranking.
MATCH_WARM_PATHS: LiteralString = """
MATCH (t:Stakeholder {id: $target_id})
MATCH p = (t)<-[:INFLUENCES*0..3]-(s:Stakeholder)
WITH p, s
MATCH (s)<-[k:KNOWS]-(e:Employee)
RETURN e.id AS employee_id, properties(k) AS tie, reverse([n IN nodes(p) | n.id]) AS people,
  reverse([r IN relationships(p) | r.strength]) AS strengths
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
     acts: [(s)<-[:WITH]-(act:Activity)-[:BY]->(e) | act.date]}] AS ties
"""

MATCH_ACCOUNT_TIES: LiteralString = """
UNWIND $account_ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)<-[k:KNOWS]-(e:Employee)
RETURN aid AS account_id, e.id AS employee_id, s.id AS stakeholder_id, properties(k) AS tie,
  [(s)<-[:WITH]-(act:Activity)-[:BY]->(e) | act.date] AS acts
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
