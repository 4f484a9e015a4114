"""Reads and writes of the sales process: a deal's process data, stage moves, forecast, effort, KPIs."""

from typing import LiteralString

# Everything a gate and the process view look at, for one deal (one round trip).
MATCH_DEAL_PROCESS: LiteralString = """
MATCH (d:Deal {id: $deal_id})
OPTIONAL MATCH (d)-[:FOR_ACCOUNT]->(a:Account)
RETURN properties(d) AS deal, a.office_id AS office_id, a.industry_id AS industry_id,
  [(d)<-[m:IN_CHAIN]-(:Stakeholder) | m.role] AS chain_roles,
  [(d)<-[t:ON_TEAM]-(e:Employee) | {role: t.role, employee_id: e.id}] AS team,
  [(d)<-[c:COMPETES_IN]-(x:Competitor) | {c: properties(c), id: x.id, name: x.name, name_en: x.name_en}] AS competitors,
  [(d)<-[:PLAN_OF]-(p:DealPlan) | properties(p)] AS plan,
  [(d)<-[:REVIEW_OF]-(r:Review) | properties(r)] AS reviews,
  [(d)<-[:ACTION_OF]-(x:Action) | properties(x)] AS actions,
  [(d)<-[:EFFORT_ON]-(f:Effort) | properties(f)] AS efforts,
  [(d)<-[:CHANGE_OF]-(h:StageChange) | properties(h)] AS history,
  [(d)<-[:VIOLATION_OF]-(v:Violation) | properties(v)] AS violations
"""

# Move a deal's stage only from the stage it was read in (no lost update).
MOVE_STAGE: LiteralString = """
MATCH (d:Deal {id: $deal_id})
WHERE d.stage = $from_stage AND d.status = 'open'
SET d.stage = $to_stage, d.updated_at = $now
RETURN count(d) AS n
"""

CLOSE_DEAL: LiteralString = """
MATCH (d:Deal {id: $deal_id})
WHERE d.status = 'open'
SET d.status = $status, d.updated_at = $now
RETURN count(d) AS n
"""

SET_GRADE: LiteralString = """
MATCH (d:Deal {id: $deal_id})
SET d.grade = $grade, d.updated_at = $now
RETURN count(d) AS n
"""

# Can this employee override gates of deals of this account (office head of its office, or
# industry director of its industry)?
OVERRIDE_POWER: LiteralString = """
MATCH (e:Employee {id: $employee_id})
OPTIONAL MATCH (e)-[:IN_TEAM]->(t:IndustryTeam)
RETURN e.roles AS roles, e.office_id AS office_id, t.industry_id AS industry_id
"""

# Open deals for the forecast, with their account's office and industry.
FORECAST_ROWS: LiteralString = (
    "MATCH (d:Deal)-[:FOR_ACCOUNT]->(a:Account) WHERE d.status = 'open' AND "
    "($all OR a.office_id IN $offices OR a.industry_id IN $industries) "
    "RETURN d.id AS id, d.amount AS amount, d.stage AS stage, d.win_probability AS win_probability, "
    "d.expected_close AS expected_close, d.solution_line AS solution_line, a.office_id AS office_id, "
    "a.industry_id AS industry_id"
)

# Presales effort with each deal's amount, office and industry.
EFFORT_ROWS: LiteralString = (
    "MATCH (f:Effort)-[:EFFORT_ON]->(d:Deal)-[:FOR_ACCOUNT]->(a:Account) WHERE "
    "($all OR a.office_id IN $offices OR a.industry_id IN $industries) "
    "RETURN properties(f) AS f, d.amount AS amount, a.office_id AS office_id, a.industry_id AS industry_id"
)

# KPI facts in a period: deals won (by owner), collections, opportunities incubated (moved to initiate).
KPI_WON: LiteralString = """
MATCH (h:StageChange)-[:CHANGE_OF]->(d:Deal)
WHERE h.to_stage = 'won' AND h.at >= $start AND h.at < $end
RETURN d.owner_id AS employee_id, sum(d.amount) AS amount
"""
KPI_COLLECTIONS: LiteralString = """
MATCH (c:Collection)-[:COLLECTED_ON]->(d:Deal)
WHERE c.date >= $start AND c.date < $end
RETURN d.owner_id AS employee_id, sum(c.amount) AS amount
"""
KPI_INCUBATED: LiteralString = """
MATCH (h:StageChange)-[:CHANGE_OF]->(d:Deal)
WHERE h.to_stage = 'initiate' AND h.at >= $start AND h.at < $end
RETURN d.owner_id AS employee_id, count(DISTINCT d) AS n
"""
EMPLOYEES_OF_SCOPE: LiteralString = """
MATCH (e:Employee)
WHERE $office IS NULL OR e.office_id = $office
OPTIONAL MATCH (e)-[:IN_TEAM]->(t:IndustryTeam)
RETURN e.id AS id, e.office_id AS office_id, t.industry_id AS industry_id
"""

EXPORT_STAGE_HISTORY: LiteralString = (
    "MATCH (h:StageChange) WHERE ($after IS NULL OR h.id > $after) AND ($updated_since IS NULL OR h.updated_at >= $updated_since) "
    "RETURN properties(h) AS n ORDER BY h.id LIMIT $limit"
)
EXPORT_VIOLATIONS: LiteralString = (
    "MATCH (v:Violation) WHERE ($after IS NULL OR v.id > $after) AND ($updated_since IS NULL OR v.updated_at >= $updated_since) "
    "RETURN properties(v) AS n ORDER BY v.id LIMIT $limit"
)
EXPORT_EFFORT: LiteralString = (
    "MATCH (f:Effort) WHERE ($after IS NULL OR f.id > $after) AND ($updated_since IS NULL OR f.updated_at >= $updated_since) "
    "RETURN properties(f) AS n ORDER BY f.id LIMIT $limit"
)

# Account-score history: per account, the last snapshot at or before each end of the period, with the
# account's office (the KPI credits the change to the office's people).
KPI_ACCOUNT_SCORES: LiteralString = """
MATCH (s:AccountSnapshot)-[:SNAPSHOT_OF]->(a:Account)
WHERE s.date <= $end
RETURN a.id AS account_id, a.office_id AS office_id, s.date AS date, s.score AS score
ORDER BY account_id, date
"""
