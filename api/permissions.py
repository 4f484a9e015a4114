"""Who may read and write what (one place, used by GraphQL and REST).

admin: everything. manager: reads the accounts (and their deals) of their offices and industries;
writes the accounts and deals where their employee is on a deal team. coach: reads everything,
writes only coaching notes and action suggestions. bi: reads everything through the REST exports.
"""

from __future__ import annotations

from graph.access import Principal, on_team_of_account, on_team_of_deal
from graph.db import GraphDB
from graph.queries import api as qapi
from kam.errors import Forbidden, NotFound

__all__ = ["check_read_account", "check_read_deal", "check_write_account", "check_write_deal", "check_admin",
           "check_graphql", "check_note", "account_of_deal"]


def _scope_of(db: GraphDB, account_id: str) -> tuple[str | None, str | None]:
    rows = db.run_read(qapi.ACCOUNT_SCOPE_OF_IDS, ids=[account_id])
    if not rows:
        raise NotFound("Account", account_id)
    return rows[0]["office_id"], rows[0]["industry_id"]


def account_of_deal(db: GraphDB, deal_id: str) -> dict:
    rows = db.run_read(qapi.ACCOUNTS_OF_DEALS, ids=[deal_id])
    if not rows:
        raise NotFound("Deal", deal_id)
    return rows[0]


def check_graphql(p: Principal) -> None:
    if p.role == "bi":
        raise Forbidden("the bi role reads the REST exports under /api/v1, not GraphQL")


def check_read_account(db: GraphDB, p: Principal, account_id: str) -> None:
    office, industry = _scope_of(db, account_id)
    if not p.can_read_account(office, industry):
        raise Forbidden(f"account {account_id!r} is outside your offices and industries")


def check_read_deal(db: GraphDB, p: Principal, deal_id: str) -> None:
    a = account_of_deal(db, deal_id)
    if not p.can_read_account(a["office_id"], a["industry_id"]):
        raise Forbidden(f"deal {deal_id!r} belongs to an account outside your offices and industries")


def check_admin(p: Principal, what: str) -> None:
    if p.role != "admin":
        raise Forbidden(f"only an admin may {what}")


def check_write_account(db: GraphDB, p: Principal, account_id: str) -> None:
    if p.role == "admin":
        return
    if p.role == "manager" and p.employee_id:
        check_read_account(db, p, account_id)
        if on_team_of_account(db, p.employee_id, account_id):
            return
        raise Forbidden(f"you are on no deal team of account {account_id!r}")
    raise Forbidden(f"the {p.role} role cannot change accounts")


def check_write_deal(db: GraphDB, p: Principal, deal_id: str) -> None:
    if p.role == "admin":
        account_of_deal(db, deal_id)  # NotFound first
        return
    if p.role == "manager" and p.employee_id:
        check_read_deal(db, p, deal_id)
        if on_team_of_deal(db, p.employee_id, deal_id):
            return
        raise Forbidden(f"you are not on the team of deal {deal_id!r}")
    raise Forbidden(f"the {p.role} role cannot change deals")


def check_note(db: GraphDB, p: Principal, deal_id: str) -> None:
    if p.role in ("admin", "coach"):
        account_of_deal(db, deal_id)
        return
    if p.role == "manager":
        check_write_deal(db, p, deal_id)
        return
    raise Forbidden(f"the {p.role} role cannot add coaching notes")
