"""Small, hand-built data sets for tests, written through the real store."""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema import Label, Rel
from graph.store import Store


@dataclass
class World:
    office: str
    industry: str
    account: str
    deal: str
    stakeholders: list[str]
    employees: list[str]


def make_world(store: Store, uid: str, members: int = 4) -> World:
    """An office, an industry, an account with ``members`` stakeholders, two employees, a deal whose
    chain holds every stakeholder, ties, influence edges and one activity."""
    p = uid
    store.upsert_nodes(Label.Sector, [{"id": p + "sec", "name": "公共事业", "name_en": "Public sector"}])
    store.upsert_nodes(Label.Industry, [{"id": p + "ind", "name": "公安", "name_en": "Public security", "sector_id": p + "sec"}])
    store.upsert_nodes(Label.Office, [{"id": p + "off", "name": "北京办事处", "name_en": "Beijing office"}])
    store.upsert_nodes(
        Label.Account,
        [{"id": p + "acc", "name": "省公安厅", "industry_id": p + "ind", "office_id": p + "off", "tier": "key"}],
    )
    sids = [f"{p}s{i}" for i in range(members)]
    store.upsert_nodes(
        Label.Stakeholder,
        [
            {"id": sid, "name": f"人{i}", "account_id": p + "acc", "level": "executive" if i == 0 else "management",
             "reports_to_id": sids[0] if i else None}
            for i, sid in enumerate(sids)
        ],
    )
    eids = [p + "e0", p + "e1"]
    store.upsert_nodes(
        Label.Employee,
        [{"id": e, "name": f"员工{i}", "roles": ["sales"], "office_id": p + "off"} for i, e in enumerate(eids)],
    )
    store.upsert_nodes(Label.Deal, [{"id": p + "deal", "name": "视频会议扩容", "account_id": p + "acc", "amount": 1_200_000}])
    roles = ["decision_maker", "technical_evaluator", "purchaser", "user", "coach", "influencer"]
    store.upsert_edges(
        Rel.IN_CHAIN,
        [
            {"stakeholder_id": sid, "deal_id": p + "deal", "role": roles[i % len(roles)], "influence": 1 + i % 5,
             "solution_acceptance": (i % 5) - 2, "price_acceptance": 0, "assessed_at": "2026-11-01"}
            for i, sid in enumerate(sids)
        ],
    )
    store.upsert_edges(
        Rel.KNOWS,
        [{"employee_id": eids[i % 2], "stakeholder_id": sid, "closeness": 1 + i % 4, "since": "2025-03-01"}
         for i, sid in enumerate(sids)],
    )
    store.upsert_edges(
        Rel.INFLUENCES,
        [{"source_id": sids[i], "target_id": sids[(i + 1) % members], "strength": 0.5} for i in range(members)],
    )
    store.upsert_nodes(
        Label.Activity,
        [{"id": p + "act", "type": "visit", "date": "2026-10-15", "employee_id": eids[0], "stakeholder_ids": [sids[0]],
          "deal_id": p + "deal"}],
    )
    return World(p + "off", p + "ind", p + "acc", p + "deal", sids, eids)
