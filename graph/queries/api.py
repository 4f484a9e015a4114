"""Reads behind the API: filtered pages, batched loads by id (``UNWIND $ids``) and summaries.

Every filter is a parameter; a null parameter means "no filter". ``$all`` true means the caller may
read every account; otherwise only accounts in ``$offices`` or ``$industries`` (a manager's scope).
"""

from typing import LiteralString

SCOPE: LiteralString = "($all OR a.office_id IN $offices OR a.industry_id IN $industries)"

SEARCH_ACCOUNTS: LiteralString = (
    "MATCH (a:Account) WHERE ($after IS NULL OR a.id > $after) "
    "AND ($industries_f IS NULL OR a.industry_id IN $industries_f) "
    "AND ($office IS NULL OR a.office_id = $office) AND ($tier IS NULL OR a.tier = $tier) "
    "AND ($text IS NULL OR toLower(a.name) CONTAINS $text OR toLower(coalesce(a.name_en, '')) CONTAINS $text) "
    "AND ($updated_since IS NULL OR a.updated_at >= $updated_since) AND " + SCOPE + " "
    "RETURN properties(a) AS n ORDER BY a.id LIMIT $limit"
)

INDUSTRIES_OF_SECTOR: LiteralString = "MATCH (i:Industry {sector_id: $sector}) RETURN collect(i.id) AS ids"

SEARCH_DEALS: LiteralString = (
    "MATCH (d:Deal)-[:FOR_ACCOUNT]->(a:Account) WHERE ($after IS NULL OR d.id > $after) "
    "AND ($stage IS NULL OR d.stage = $stage) AND ($grade IS NULL OR d.grade = $grade) "
    "AND ($status IS NULL OR d.status = $status) AND ($account IS NULL OR d.account_id = $account) "
    "AND ($owner IS NULL OR d.owner_id = $owner) AND ($office IS NULL OR a.office_id = $office) "
    "AND ($industry IS NULL OR a.industry_id = $industry) "
    "AND ($min_score IS NULL OR d.score >= $min_score) AND ($max_score IS NULL OR d.score <= $max_score) "
    "AND ($updated_since IS NULL OR d.updated_at >= $updated_since) AND " + SCOPE + " "
    "RETURN properties(d) AS n, a.office_id AS office_id, a.industry_id AS industry_id ORDER BY d.id LIMIT $limit"
)

ACCOUNT_SCOPE_OF_IDS: LiteralString = """
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN a.id AS id, a.office_id AS office_id, a.industry_id AS industry_id
"""

# Batched loads for the DataLoaders: one row per key, in any order.
STAKEHOLDERS_OF_ACCOUNTS: LiteralString = """
UNWIND $ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)
RETURN aid AS key, properties(s) AS n
"""
ORG_UNITS_OF_ACCOUNTS: LiteralString = """
UNWIND $ids AS aid
MATCH (:Account {id: aid})<-[:UNIT_OF]-(u:OrgUnit)
RETURN aid AS key, properties(u) AS n
"""
DEALS_OF_ACCOUNTS: LiteralString = """
UNWIND $ids AS aid
MATCH (:Account {id: aid})<-[:FOR_ACCOUNT]-(d:Deal)
RETURN aid AS key, properties(d) AS n
"""
TIES_TO_ACCOUNTS: LiteralString = """
UNWIND $ids AS aid
MATCH (:Account {id: aid})<-[:WORKS_AT]-(s:Stakeholder)<-[k:KNOWS]-(e:Employee)
RETURN aid AS key, e.id AS employee_id, s.id AS stakeholder_id, properties(k) AS k
"""
TEAM_OF_DEALS: LiteralString = """
UNWIND $ids AS did
MATCH (:Deal {id: did})<-[t:ON_TEAM]-(e:Employee)
RETURN did AS key, e.id AS employee_id, t.role AS role
"""
COMPETITORS_OF_DEALS: LiteralString = """
UNWIND $ids AS did
MATCH (:Deal {id: did})<-[c:COMPETES_IN]-(x:Competitor)
RETURN did AS key, x.id AS competitor_id, x.name AS name, x.name_en AS name_en, properties(c) AS c
"""
ACCOUNTS_OF_DEALS: LiteralString = """
UNWIND $ids AS did
MATCH (d:Deal {id: did})-[:FOR_ACCOUNT]->(a:Account)
RETURN did AS key, a.id AS account_id, a.office_id AS office_id, a.industry_id AS industry_id
"""

# The deals for the analysis loader: deal, chain members (the portfolio loader reads the people).
DEALS_WITH_CHAINS: LiteralString = """
UNWIND $ids AS did
MATCH (d:Deal {id: did})
RETURN properties(d) AS deal,
  [(d)<-[m:IN_CHAIN]-(s:Stakeholder) | {s: s.id, m: properties(m)}] AS members
"""

PORTFOLIO_SUMMARY: LiteralString = (
    "MATCH (d:Deal)-[:FOR_ACCOUNT]->(a:Account) WHERE d.status = 'open' "
    "AND ($office IS NULL OR a.office_id = $office) AND ($industry IS NULL OR a.industry_id = $industry) AND "
    + SCOPE + " "
    "RETURN d.stage AS stage, d.grade AS grade, count(d) AS deals, sum(d.amount) AS amount, avg(d.score) AS avg_score, "
    "sum(CASE WHEN d.shot_ready = false AND d.score IS NOT NULL AND size([c IN coalesce(d.risk_codes, []) WHERE c IN "
    "['NO_DECISION_MAKER', 'DECISION_MAKER_WEAK', 'INFLUENTIAL_OPPONENT', 'COMPETITOR_CHAMPION']]) > 0 THEN 1 ELSE 0 END) AS at_risk, "
    "sum(coalesce(d.win_probability, 0) * d.amount) AS weighted"
)

# REST exports: flat rows, keyset-paged, filtered by change date.
EXPORT_CHAIN_MEMBERS: LiteralString = (
    "MATCH (s:Stakeholder)-[m:IN_CHAIN]->(d:Deal)-[:FOR_ACCOUNT]->(a:Account) "
    "WITH s, m, d, a, d.id + '|' + s.id AS key "
    "WHERE ($after IS NULL OR key > $after) AND ($updated_since IS NULL OR m.updated_at >= $updated_since) AND "
    + SCOPE + " "
    "RETURN key, d.id AS deal_id, s.id AS stakeholder_id, properties(m) AS m ORDER BY key LIMIT $limit"
)
EXPORT_TIES: LiteralString = (
    "MATCH (e:Employee)-[k:KNOWS]->(s:Stakeholder)-[:WORKS_AT]->(a:Account) "
    "WITH e, k, s, a, e.id + '|' + s.id AS key "
    "WHERE ($after IS NULL OR key > $after) AND ($updated_since IS NULL OR k.updated_at >= $updated_since) AND "
    + SCOPE + " "
    "RETURN key, e.id AS employee_id, s.id AS stakeholder_id, properties(k) AS k ORDER BY key LIMIT $limit"
)
EXPORT_STAKEHOLDERS: LiteralString = (
    "MATCH (s:Stakeholder)-[:WORKS_AT]->(a:Account) "
    "WHERE ($after IS NULL OR s.id > $after) AND ($updated_since IS NULL OR s.updated_at >= $updated_since) AND "
    + SCOPE + " "
    "RETURN s.id AS key, properties(s) AS n ORDER BY s.id LIMIT $limit"
)
EXPORT_ACTIVITIES: LiteralString = (
    "MATCH (x:Activity) "
    "WHERE ($after IS NULL OR x.id > $after) AND ($updated_since IS NULL OR x.updated_at >= $updated_since) "
    "AND ($all OR exists { MATCH (x)-[:WITH]->(:Stakeholder)-[:WORKS_AT]->(a:Account) WHERE "
    "a.office_id IN $offices OR a.industry_id IN $industries }) "
    "RETURN x.id AS key, properties(x) AS n ORDER BY x.id LIMIT $limit"
)
