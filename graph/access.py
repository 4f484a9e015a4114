"""Stored API tokens (hashed), the audit trail and coaching notes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from graph.db import GraphDB
from graph.queries import access as qa
from kam.errors import Conflict, InvalidInput, NotFound, Problem

__all__ = ["Principal", "ROLES", "create_token", "revoke_token", "list_tokens", "principal_for", "hash_token",
           "audit_trail", "add_note", "notes_of_deals", "on_team_of_deal", "on_team_of_account"]

ROLES = ("admin", "manager", "coach", "bi")
TOKEN_PREFIX = "kam_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's name and role, and for a manager the scope and the employee."""

    name: str
    role: str
    offices: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    employee_id: str | None = None

    @property
    def reads_all(self) -> bool:
        return self.role in ("admin", "coach", "bi")

    def scope_params(self) -> dict[str, Any]:
        return {"all": self.reads_all, "offices": list(self.offices), "industries": list(self.industries)}

    def can_read_account(self, office_id: str | None, industry_id: str | None) -> bool:
        return self.reads_all or office_id in self.offices or industry_id in self.industries


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so one SHA-256 is the right hash (no password stretching needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: GraphDB, name: str, role: str, offices: list[str] | None = None, industries: list[str] | None = None,
                 employee_id: str | None = None) -> str:
    """Create a token and return it; only its hash is stored, so it is shown this once."""
    problems = []
    if not name or len(name) > 100:
        problems.append(Problem("name", "must be 1 to 100 characters"))
    if role not in ROLES:
        problems.append(Problem("role", f"must be one of {', '.join(ROLES)}, got {role!r}"))
    if role == "manager" and not (offices or industries):
        problems.append(Problem("office", "a manager token needs at least one office or industry to read"))
    if role == "manager" and not employee_id:
        problems.append(Problem("employee", "a manager token needs the manager's employee id (writes follow the deal team)"))
    if problems:
        raise InvalidInput(problems, "token")
    if db.run_read(qa.TOKEN_BY_NAME, name=name):
        raise Conflict(f"a token named {name!r} exists; revoke it first or choose another name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.run_write(qa.CREATE_TOKEN, id=uuid.uuid4().hex, name=name, role=role, hash=hash_token(token),
                 offices=list(offices or []), industries=list(industries or []), employee_id=employee_id, now=_now())
    return token


def revoke_token(db: GraphDB, name: str) -> None:
    if not db.run_write(qa.REVOKE_TOKEN, name=name, now=_now())[0]["n"]:
        raise NotFound("token", name)


def list_tokens(db: GraphDB) -> list[dict[str, Any]]:
    return db.run_read(qa.LIST_TOKENS)


def principal_for(db: GraphDB, token: str) -> Principal | None:
    rows = db.run_read(qa.TOKEN_BY_HASH, hash=hash_token(token))
    if not rows:
        return None
    t = rows[0]["t"]
    return Principal(t["name"], t["role"], tuple(t.get("offices") or ()), tuple(t.get("industries") or ()),
                     t.get("employee_id"))


def audit_trail(db: GraphDB, target_id: str | None = None, actor: str | None = None, first: int = 50,
                after: str | None = None) -> list[dict[str, Any]]:
    rows = db.run_read(qa.LIST_AUDIT, target_id=target_id, actor=actor, after=after, limit=first)
    out = []
    for r in rows:
        a = dict(r["a"])
        a["changes"] = json.loads(a.get("changes") or "{}")
        out.append(a)
    return out


def add_note(db: GraphDB, deal_id: str, kind: str, text: str, author: str, audit=None) -> dict[str, Any]:
    """A coaching note or action suggestion on a deal, with its audit entry in the same transaction."""
    if kind not in ("note", "action_suggestion"):
        raise InvalidInput([Problem("kind", f"must be note or action_suggestion, got {kind!r}")])
    if not text.strip() or len(text) > 5000:
        raise InvalidInput([Problem("text", "must be 1 to 5000 characters")])

    def work(tx):
        rows = tx.run(qa.CREATE_NOTE, id=uuid.uuid4().hex, deal_id=deal_id, kind=kind, text=text.strip(),
                      author=author, now=_now())
        if not rows:
            raise NotFound("Deal", deal_id)
        if audit is not None:
            tx.run(qa.CREATE_AUDIT, **audit.params())
        return rows[0]["n"]

    return db.write_tx(work)


def notes_of_deals(db: GraphDB, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for r in db.run_read(qa.NOTES_OF_DEALS, ids=ids):
        out[r["deal_id"]].append(r["n"])
    return out


def on_team_of_deal(db: GraphDB, employee_id: str, deal_id: str) -> bool:
    return db.run_read(qa.ON_TEAM_OF_DEAL, employee_id=employee_id, deal_id=deal_id)[0]["n"] > 0


def on_team_of_account(db: GraphDB, employee_id: str, account_id: str) -> bool:
    return db.run_read(qa.ON_TEAM_OF_ACCOUNT, employee_id=employee_id, account_id=account_id)[0]["n"] > 0
