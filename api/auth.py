"""Bearer-token authentication for every API call except the health check."""

from __future__ import annotations

from fastapi import HTTPException, Request

from graph.access import Principal, principal_for

__all__ = ["require_principal", "principal_of_request"]


def principal_of_request(request: Request) -> Principal:
    """The caller of this request: 401 without a valid token (503 while the database is down)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "a bearer token is required (Authorization: Bearer <token>; see `kam token create`)",
                            headers={"WWW-Authenticate": "Bearer"})
    db = request.app.state.database.get()
    p = principal_for(db, token.strip())
    if p is None:
        raise HTTPException(401, "the token is unknown or revoked", headers={"WWW-Authenticate": "Bearer"})
    return p


def require_principal(request: Request) -> Principal:
    p = getattr(request.state, "principal", None)
    if p is None:
        p = principal_of_request(request)
        request.state.principal = p
    return p
