"""Tokens, the audit trail and coaching notes: the product's own records beside the domain graph."""

from typing import LiteralString

CREATE_TOKEN: LiteralString = """
CREATE (t:ApiToken {id: $id, name: $name, role: $role, hash: $hash, offices: $offices, industries: $industries,
                    employee_id: $employee_id, created_at: $now})
RETURN t.id AS id
"""

TOKEN_BY_HASH: LiteralString = """
MATCH (t:ApiToken {hash: $hash})
WHERE t.revoked_at IS NULL
RETURN properties(t) AS t
"""

TOKEN_BY_NAME: LiteralString = "MATCH (t:ApiToken {name: $name}) WHERE t.revoked_at IS NULL RETURN properties(t) AS t"

REVOKE_TOKEN: LiteralString = """
MATCH (t:ApiToken {name: $name})
WHERE t.revoked_at IS NULL
SET t.revoked_at = $now
RETURN count(t) AS n
"""

LIST_TOKENS: LiteralString = """
MATCH (t:ApiToken)
RETURN t.name AS name, t.role AS role, t.offices AS offices, t.industries AS industries,
       t.employee_id AS employee_id, t.created_at AS created_at, t.revoked_at AS revoked_at
ORDER BY t.created_at
"""

CREATE_AUDIT: LiteralString = """
CREATE (a:AuditEntry {id: $id, at: $at, actor: $actor, role: $role, action: $action,
                      target_label: $target_label, target_id: $target_id, changes: $changes})
"""

LIST_AUDIT: LiteralString = """
MATCH (a:AuditEntry)
WHERE ($target_id IS NULL OR a.target_id = $target_id) AND ($actor IS NULL OR a.actor = $actor)
  AND ($after IS NULL OR a.id < $after)
RETURN properties(a) AS a
ORDER BY a.id DESC
LIMIT $limit
"""

CREATE_NOTE: LiteralString = """
MATCH (d:Deal {id: $deal_id})
CREATE (n:CoachingNote {id: $id, deal_id: $deal_id, kind: $kind, text: $text, author: $author, created_at: $now})
RETURN properties(n) AS n
"""

NOTES_OF_DEALS: LiteralString = """
UNWIND $ids AS did
MATCH (n:CoachingNote {deal_id: did})
RETURN did AS deal_id, properties(n) AS n
ORDER BY n.created_at
"""

# Is this employee on the team of a deal, or of any deal of this account?
ON_TEAM_OF_DEAL: LiteralString = """
MATCH (:Employee {id: $employee_id})-[:ON_TEAM]->(d:Deal {id: $deal_id}) RETURN count(d) AS n
"""
ON_TEAM_OF_ACCOUNT: LiteralString = """
MATCH (:Employee {id: $employee_id})-[:ON_TEAM]->(:Deal)-[:FOR_ACCOUNT]->(a:Account {id: $account_id})
RETURN count(a) AS n
"""
