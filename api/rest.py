"""REST for BI tools under /api/v1: flat, paginated JSON and streaming CSV with stable columns.

Every list takes ``first`` (1..500), ``after`` (the ``next_cursor`` of the previous page) and
``updated_since`` (ISO timestamp: rows changed since then, for incremental loads). The CSV variant
(``.csv``) streams every page. Column names are stable and documented in the README.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from api.auth import require_principal
from graph.access import Principal
from graph.queries import api as qapi
from graph.schema import Label
from graph.store import MAX_PAGE, Store, decode_cursor, encode_cursor
from kam.method import Method
from scoring.batch import score_account_deals
from scoring.closeness import effective_closeness

__all__ = ["router", "COLUMNS"]

COLUMNS: dict[str, list[str]] = {
    "accounts": ["id", "name", "name_en", "industry_id", "office_id", "tier", "status", "updated_at"],
    "stakeholders": ["id", "name", "name_en", "title", "title_en", "level", "key", "account_id", "org_unit_id",
                     "reports_to_id", "updated_at"],
    "deals": ["id", "name", "name_en", "account_id", "office_id", "industry_id", "amount", "solution_line", "stage",
              "grade", "status", "expected_close", "partner_led", "partner_id", "owner_id", "score", "win_probability",
              "weighted_amount", "shot_ready", "risk_codes", "scored_at", "updated_at"],
    "chain-members": ["deal_id", "stakeholder_id", "role", "influence", "solution_acceptance", "price_acceptance",
                      "favors_competitor", "assessed_at", "weight", "closeness", "effective_attitude", "br",
                      "contribution", "stance", "updated_at"],
    "ties": ["employee_id", "stakeholder_id", "closeness", "effective_closeness", "since", "last_contact", "updated_at"],
    "activities": ["id", "type", "date", "employee_id", "stakeholder_ids", "deal_id", "summary", "updated_at"],
    "stage-history": ["id", "deal_id", "from_stage", "to_stage", "at", "by", "override", "reason", "updated_at"],
    "violations": ["id", "deal_id", "stage", "missing", "at", "by", "reason", "updated_at"],
    "effort": ["id", "deal_id", "employee_id", "date", "hours", "role", "updated_at"],
}
FORECAST_COLUMNS = ["key", "deals", "amount", "weighted_by_win_probability", "weighted_by_stage"]


class Page(BaseModel):
    """A page of rows; pass ``next_cursor`` as ``after`` for the next one (null: no more)."""

    items: list[dict[str, Any]] = Field(description="Rows with the documented columns.")
    next_cursor: str | None


def _store(request: Request) -> Store:
    return request.app.state.store_factory()


First = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Rows per page, 1..500.")]
After = Annotated[str | None, Query(description="The next_cursor of the previous page.", max_length=1000)]
Since = Annotated[dt.datetime | None, Query(description="Only rows changed at or after this time (ISO 8601).")]


def _since(v: dt.datetime | None) -> str | None:
    if v is None:
        return None
    if v.tzinfo is None:
        v = v.replace(tzinfo=dt.UTC)
    return v.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _cells(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return str(v)


Fetch = Callable[[Store, Principal, str | None, int], tuple[list[dict], str | None]]


def _csv(name: str, fetch: Fetch, store: Store, p: Principal) -> StreamingResponse:
    cols = COLUMNS[name]

    def rows() -> Iterator[str]:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        after = None
        while True:
            items, nxt = fetch(store, p, after, MAX_PAGE)
            for it in items:
                w.writerow([_cells(it.get(c)) for c in cols])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
            if nxt is None:
                return
            after = nxt

    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _paged(rows: list[dict], first: int, key: Callable[[dict], str]) -> tuple[list[dict], str | None]:
    more = len(rows) > first
    rows = rows[:first]
    return rows, (encode_cursor(key(rows[-1])) if more and rows else None)


# ----------------------------------------------------------------------------- fetchers


def _accounts(filters: dict) -> Fetch:
    def fetch(store, p, after, first):
        rows = store.db.run_read(qapi.SEARCH_ACCOUNTS, after=decode_cursor(after), industries_f=filters.get("industries"),
                                 office=filters.get("office"), tier=filters.get("tier"), text=None,
                                 updated_since=filters.get("since"), limit=first + 1, **p.scope_params())
        items, nxt = _paged([r["n"] for r in rows], first, lambda r: r["id"])
        return [{c: r.get(c) for c in COLUMNS["accounts"]} for r in items], nxt

    return fetch


def _stakeholders(filters: dict) -> Fetch:
    def fetch(store, p, after, first):
        rows = store.db.run_read(qapi.EXPORT_STAKEHOLDERS, after=decode_cursor(after), updated_since=filters.get("since"),
                                 limit=first + 1, **p.scope_params())
        items, nxt = _paged([r["n"] for r in rows], first, lambda r: r["id"])
        return [{c: r.get(c) for c in COLUMNS["stakeholders"]} for r in items], nxt

    return fetch


def _deals(filters: dict) -> Fetch:
    def fetch(store, p, after, first):
        rows = store.db.run_read(
            qapi.SEARCH_DEALS, after=decode_cursor(after), stage=filters.get("stage"), grade=filters.get("grade"),
            status=filters.get("status"), account=None, owner=None, office=filters.get("office"),
            industry=filters.get("industry"), min_score=None, max_score=None, updated_since=filters.get("since"),
            limit=first + 1, **p.scope_params())
        items, nxt = _paged(rows, first, lambda r: r["n"]["id"])
        out = []
        for r in items:
            d = dict(r["n"])
            d["office_id"], d["industry_id"] = r["office_id"], r["industry_id"]
            wp = d.get("win_probability")
            d["weighted_amount"] = d.get("amount", 0) * wp if wp is not None else None
            out.append({c: d.get(c) for c in COLUMNS["deals"]})
        return out, nxt

    return fetch


def _chain_members(filters: dict, method: Method, today: dt.date) -> Fetch:
    def fetch(store, p, after, first):
        rows = store.db.run_read(qapi.EXPORT_CHAIN_MEMBERS, after=decode_cursor(after), updated_since=filters.get("since"),
                                 limit=first + 1, **p.scope_params())
        items, nxt = _paged(rows, first, lambda r: r["key"])
        deal_ids = sorted({r["deal_id"] for r in items})
        scores = {}
        for bundle in store.load_deals(deal_ids):
            for s in score_account_deals(bundle, method, today):
                scores.update({(s.deal_id, mm.stakeholder_id): mm for mm in s.members})
        out = []
        for r in items:
            row = {"deal_id": r["deal_id"], "stakeholder_id": r["stakeholder_id"], **r["m"]}
            ms = scores.get((r["deal_id"], r["stakeholder_id"]))
            if ms is not None:
                row.update(weight=ms.weight, closeness=ms.closeness, effective_attitude=ms.effective_attitude, br=ms.br,
                           contribution=ms.contribution, stance=ms.stance)
            out.append({c: row.get(c) for c in COLUMNS["chain-members"]})
        return out, nxt

    return fetch


def _ties(filters: dict, method: Method, today: dt.date) -> Fetch:
    def fetch(store, p, after, first):
        rows = store.db.run_read(qapi.EXPORT_TIES, after=decode_cursor(after), updated_since=filters.get("since"),
                                 limit=first + 1, **p.scope_params())
        items, nxt = _paged(rows, first, lambda r: r["key"])
        out = []
        for r in items:
            k = r["k"]
            last = k.get("last_contact") or k.get("since")
            eff = effective_closeness(int(k["closeness"]), dt.date.fromisoformat(last[:10]) if last else None, today, method)
            row = {"employee_id": r["employee_id"], "stakeholder_id": r["stakeholder_id"], **k, "effective_closeness": eff}
            out.append({c: row.get(c) for c in COLUMNS["ties"]})
        return out, nxt

    return fetch


def _activities(filters: dict) -> Fetch:
    def fetch(store, p, after, first):
        rows = store.db.run_read(qapi.EXPORT_ACTIVITIES, after=decode_cursor(after), updated_since=filters.get("since"),
                                 limit=first + 1, **p.scope_params())
        items, nxt = _paged([r["n"] for r in rows], first, lambda r: r["id"])
        return [{c: r.get(c) for c in COLUMNS["activities"]} for r in items], nxt

    return fetch


# ----------------------------------------------------------------------------- routes

router = APIRouter(prefix="/api/v1", tags=["BI exports"])
P = Annotated[Principal, Depends(require_principal)]


def _ctx(request: Request) -> tuple[Store, Method, dt.date]:
    store = _store(request)
    return store, request.app.state.method_in_force.get(store), dt.date.today()


@router.get("/accounts", response_model=Page, summary="Accounts (columns: " + ", ".join(COLUMNS["accounts"]) + ")")
def accounts(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None,
             industry: str | None = None, office: str | None = None, tier: str | None = None) -> Page:
    items, nxt = _accounts({"industries": [industry] if industry else None, "office": office, "tier": tier,
                            "since": _since(updated_since)})(_store(request), p, after, first)
    return Page(items=items, next_cursor=nxt)


@router.get("/accounts.csv", summary="All accounts as CSV", response_class=StreamingResponse)
def accounts_csv(request: Request, p: P, updated_since: Since = None, industry: str | None = None,
                 office: str | None = None, tier: str | None = None):
    return _csv("accounts", _accounts({"industries": [industry] if industry else None, "office": office, "tier": tier,
                                       "since": _since(updated_since)}), _store(request), p)


@router.get("/stakeholders", response_model=Page, summary="Stakeholders (columns: " + ", ".join(COLUMNS["stakeholders"]) + ")")
def stakeholders(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None) -> Page:
    items, nxt = _stakeholders({"since": _since(updated_since)})(_store(request), p, after, first)
    return Page(items=items, next_cursor=nxt)


@router.get("/stakeholders.csv", summary="All stakeholders as CSV", response_class=StreamingResponse)
def stakeholders_csv(request: Request, p: P, updated_since: Since = None):
    return _csv("stakeholders", _stakeholders({"since": _since(updated_since)}), _store(request), p)


@router.get("/deals", response_model=Page, summary="Deals with latest score (columns: " + ", ".join(COLUMNS["deals"]) + ")")
def deals(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None,
          stage: str | None = None, grade: str | None = None, status: str | None = None, office: str | None = None,
          industry: str | None = None) -> Page:
    f = {"stage": stage, "grade": grade, "status": status, "office": office, "industry": industry,
         "since": _since(updated_since)}
    items, nxt = _deals(f)(_store(request), p, after, first)
    return Page(items=items, next_cursor=nxt)


@router.get("/deals.csv", summary="All deals as CSV", response_class=StreamingResponse)
def deals_csv(request: Request, p: P, updated_since: Since = None, stage: str | None = None, grade: str | None = None,
              status: str | None = None, office: str | None = None, industry: str | None = None):
    f = {"stage": stage, "grade": grade, "status": status, "office": office, "industry": industry,
         "since": _since(updated_since)}
    return _csv("deals", _deals(f), _store(request), p)


@router.get("/chain-members", response_model=Page,
            summary="Decision-chain members with their scores (columns: " + ", ".join(COLUMNS["chain-members"]) + ")")
def chain_members(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None) -> Page:
    store, method, today = _ctx(request)
    items, nxt = _chain_members({"since": _since(updated_since)}, method, today)(store, p, after, first)
    return Page(items=items, next_cursor=nxt)


@router.get("/chain-members.csv", summary="All decision-chain members as CSV", response_class=StreamingResponse)
def chain_members_csv(request: Request, p: P, updated_since: Since = None):
    store, method, today = _ctx(request)
    return _csv("chain-members", _chain_members({"since": _since(updated_since)}, method, today), store, p)


@router.get("/ties", response_model=Page, summary="Our employees' ties (columns: " + ", ".join(COLUMNS["ties"]) + ")")
def ties(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None) -> Page:
    store, method, today = _ctx(request)
    items, nxt = _ties({"since": _since(updated_since)}, method, today)(store, p, after, first)
    return Page(items=items, next_cursor=nxt)


@router.get("/ties.csv", summary="All ties as CSV", response_class=StreamingResponse)
def ties_csv(request: Request, p: P, updated_since: Since = None):
    store, method, today = _ctx(request)
    return _csv("ties", _ties({"since": _since(updated_since)}, method, today), store, p)


@router.get("/activities", response_model=Page, summary="Activities (columns: " + ", ".join(COLUMNS["activities"]) + ")")
def activities(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None) -> Page:
    items, nxt = _activities({"since": _since(updated_since)})(_store(request), p, after, first)
    return Page(items=items, next_cursor=nxt)


@router.get("/activities.csv", summary="All activities as CSV", response_class=StreamingResponse)
def activities_csv(request: Request, p: P, updated_since: Since = None):
    return _csv("activities", _activities({"since": _since(updated_since)}), _store(request), p)


class AccountOut(BaseModel):
    id: str
    name: str
    name_en: str | None = None
    industry_id: str | None = None
    office_id: str | None = None
    tier: str
    status: str
    updated_at: str | None = None


@router.get("/accounts/{account_id}", response_model=AccountOut, summary="One account (404 if unknown, 403 if outside your scope)")
def account(request: Request, p: P, account_id: str) -> AccountOut:
    from api.permissions import check_read_account

    store = _store(request)
    check_read_account(store.db, p, account_id)
    props = store.get_props(Label.Account, account_id)
    return AccountOut(**{k: props.get(k) for k in AccountOut.model_fields})


class DealOut(BaseModel):
    id: str
    name: str
    account_id: str
    amount: float
    stage: str
    grade: str | None = None
    status: str
    score: float | None = None
    win_probability: float | None = None


@router.get("/deals/{deal_id}", response_model=DealOut, summary="One deal with its stored score (404/403)")
def deal(request: Request, p: P, deal_id: str) -> DealOut:
    from api.permissions import check_read_deal

    store = _store(request)
    check_read_deal(store.db, p, deal_id)
    props = store.get_props(Label.Deal, deal_id)
    return DealOut(**{k: props.get(k) for k in DealOut.model_fields})


# ----------------------------------------------------------------------------- sales process exports


def _process_rows(name: str, query, filters: dict) -> Fetch:
    def fetch(store, p, after, first):
        if not p.reads_all:
            from kam.errors import Forbidden

            raise Forbidden(f"{name} exports cover every office; ask for a role that reads everything")
        rows = store.db.run_read(query, after=decode_cursor(after), updated_since=filters.get("since"), limit=first + 1)
        items, nxt = _paged([r["n"] for r in rows], first, lambda r: r["id"])
        return [{c: r.get(c) for c in COLUMNS[name]} for r in items], nxt

    return fetch


def _process_routes(name: str, query) -> None:
    cols = ", ".join(COLUMNS[name])

    @router.get(f"/{name}", response_model=Page, summary=f"{name} (columns: {cols})", name=f"{name}_page")
    def page(request: Request, p: P, first: First = 100, after: After = None, updated_since: Since = None) -> Page:
        items, nxt = _process_rows(name, query, {"since": _since(updated_since)})(_store(request), p, after, first)
        return Page(items=items, next_cursor=nxt)

    @router.get(f"/{name}.csv", summary=f"All {name} as CSV", response_class=StreamingResponse, name=f"{name}_csv")
    def as_csv(request: Request, p: P, updated_since: Since = None):
        fetch = _process_rows(name, query, {"since": _since(updated_since)})
        store = _store(request)
        fetch(store, p, None, 1)  # refuse before the stream starts
        return _csv(name, fetch, store, p)


def _register_process_routes() -> None:
    from graph.queries import process as qp

    _process_routes("stage-history", qp.EXPORT_STAGE_HISTORY)
    _process_routes("violations", qp.EXPORT_VIOLATIONS)
    _process_routes("effort", qp.EXPORT_EFFORT)


_register_process_routes()


class ForecastOut(BaseModel):
    key: str
    deals: int
    amount: float
    weighted_by_win_probability: float
    weighted_by_stage: float


@router.get("/forecast", response_model=list[ForecastOut],
            summary="Weighted pipeline of open deals by month, solution_line, office or industry")
def forecast(request: Request, p: P, by: Annotated[str, Query(pattern="^(month|solution_line|office|industry)$")] = "month"):
    from api.process_service import forecast_view
    from kam.process import default_process

    return forecast_view(_store(request), p, by, default_process())


@router.get("/forecast.csv", summary="The forecast as CSV", response_class=StreamingResponse)
def forecast_csv(request: Request, p: P, by: Annotated[str, Query(pattern="^(month|solution_line|office|industry)$")] = "month"):
    from api.process_service import forecast_view
    from kam.process import default_process

    rows = forecast_view(_store(request), p, by, default_process())
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(FORECAST_COLUMNS)
    for r in rows:
        w.writerow([_cells(r[c]) for c in FORECAST_COLUMNS])
    return StreamingResponse(iter([buf.getvalue()]), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="forecast.csv"'})
