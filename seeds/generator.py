"""A scalable, deterministic data set with the demo data's shape (``kam seed generate``).

Scales used by the benchmarks: S = 100 accounts, M = 2,000, L = 10,000 (about 200,000 stakeholders,
50,000 deals and over 1,000,000 relationships). Each account is generated from its own random
stream (seed, account number), so a data set is the same whatever the chunking, and accounts are
generated and loaded a chunk at a time to bound memory.

Distributions: 5-40 stakeholders per account (skewed toward small), 1-9 deals per account, 5-40
chain members per deal (bounded by the account's people), a few strong ties per person (0-3
employees of the covering office, closeness skewed toward familiar), power-law influence (a few
people influence many: sources drawn with Zipf weights), activities over the past year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from graph.schema import EDGE_ORDER, NODE_ORDER, Label, Rel
from graph.store import Store, UpsertResult
from seeds import vocab

__all__ = ["Dataset", "generate", "load_dataset", "SCALES", "NODE_ORDER", "EDGE_ORDER"]

SCALES = {"S": 100, "M": 2_000, "L": 10_000}
ROLES = ["decision_maker", "technical_evaluator", "business_evaluator", "purchaser", "user", "coach", "influencer"]
STAGES = ["verify", "initiate", "needs_analysis", "value_presentation", "tender_preparation", "bidding", "negotiation",
          "fulfilment"]


@dataclass
class Dataset:
    """Rows per node label and per relationship type, in the store's input shape."""

    nodes: dict[Label, list[dict]] = field(default_factory=dict)
    edges: dict[Rel, list[dict]] = field(default_factory=dict)

    def add(self, other: "Dataset") -> None:
        for k, v in other.nodes.items():
            self.nodes.setdefault(k, []).extend(v)
        for k, v in other.edges.items():
            self.edges.setdefault(k, []).extend(v)

    def count(self) -> tuple[int, int]:
        return sum(map(len, self.nodes.values())), sum(map(len, self.edges.values()))


def _global(seed: int, accounts: int) -> tuple[Dataset, dict]:
    rng = np.random.default_rng([seed, 0])
    ds = Dataset()
    ds.nodes[Label.Sector] = [{"id": i, "name": zh, "name_en": en} for i, zh, en in vocab.SECTORS]
    ds.nodes[Label.Industry] = [{"id": i, "name": zh, "name_en": en, "sector_id": s} for i, zh, en, s in vocab.INDUSTRIES]
    offices = [f"off-{en.lower().replace(chr(39), '')}" for _, en in vocab.OFFICES]
    ds.nodes[Label.Office] = [{"id": oid, "name": zh + "办事处", "name_en": en + " office", "region": zh}
                              for oid, (zh, en) in zip(offices, vocab.OFFICES)]
    ds.nodes[Label.IndustryTeam] = [{"id": "team-" + i[4:], "name": zh + "行业部", "name_en": en + " team", "industry_id": i}
                                    for i, zh, en, _ in vocab.KEY_INDUSTRIES]
    n_partners = max(5, accounts // 20)
    ds.nodes[Label.Partner] = [
        {"id": f"ptn-{k:05d}", "name": vocab.OFFICES[k % 27][0] + vocab.PARTNER_SUFFIX[k % 4][0],
         "name_en": vocab.OFFICES[k % 27][1] + " " + vocab.PARTNER_SUFFIX[k % 4][1]}
        for k in range(n_partners)
    ]
    ds.nodes[Label.Competitor] = [{"id": i, "name": zh, "name_en": en} for i, zh, en in vocab.COMPETITORS]
    # employees: per office a head and sales, solution, delivery and presales people (more with more accounts)
    per_office = max(4, accounts // 27 // 4 + 4)
    employees, by_office = [], {}
    for o, oid in enumerate(offices):
        ids = []
        for j in range(per_office):
            eid = f"emp-{o:02d}-{j:03d}"
            zh, en = vocab.person_name(o * 1000 + j, salt=5)
            role = "office_head" if j == 0 else ["sales", "sales", "solution", "delivery", "presales"][j % 5]
            team = vocab.KEY_INDUSTRIES[int(rng.integers(len(vocab.KEY_INDUSTRIES)))][0][4:]
            employees.append({"id": eid, "name": zh, "name_en": en, "roles": [role], "office_id": oid,
                              "team_id": "team-" + team, "title": role.replace("_", " ")})
            ids.append(eid)
        by_office[oid] = ids
    ds.nodes[Label.Employee] = employees
    return ds, {"offices": offices, "by_office": by_office, "partners": n_partners}


def _account(seed: int, a: int, ctx: dict, today: dt.date) -> Dataset:
    rng = np.random.default_rng([seed, 1, a])
    ds = Dataset()
    aid = f"acc-{a:06d}"
    office = ctx["offices"][int(rng.integers(len(ctx["offices"])))]
    ind = vocab.INDUSTRIES[int(rng.integers(len(vocab.INDUSTRIES)))]
    tier = str(rng.choice(["named", "key", "general"], p=[0.1, 0.3, 0.6]))
    city = vocab.OFFICES[ctx["offices"].index(office)]
    ds.nodes[Label.Account] = [{"id": aid, "name": f"{city[0]}{ind[1]}客户{a}", "name_en": f"{city[1]} {ind[2]} customer {a}",
                                "industry_id": ind[0], "office_id": office, "tier": tier}]
    units = [f"{aid}-u{u}" for u in range(int(rng.integers(3, 7)))]
    ds.nodes[Label.OrgUnit] = [
        {"id": uid, "name": vocab.DEPARTMENTS[u % len(vocab.DEPARTMENTS)][0],
         "name_en": vocab.DEPARTMENTS[u % len(vocab.DEPARTMENTS)][1], "account_id": aid,
         "parent_id": units[0] if u else None}
        for u, uid in enumerate(units)
    ]
    n = int(np.clip(5 + rng.pareto(1.2) * 8, 5, 40))
    people, levels = [], []
    for s in range(n):
        level = "executive" if s < max(1, n // 8) else "management" if s < n // 2 else "staff"
        zh, en = vocab.person_name(a * 50 + s)
        t = vocab.TITLES[level][int(rng.integers(len(vocab.TITLES[level])))]
        sid = f"{aid}-s{s:02d}"
        boss = None if s == 0 else f"{aid}-s{int(rng.integers(0, max(1, min(s, n // 2)))):02d}"
        people.append({"id": sid, "name": zh, "name_en": en, "title": t[0], "title_en": t[1], "level": level,
                       "key": bool(level != "staff" and rng.random() < 0.5), "account_id": aid,
                       "org_unit_id": units[0] if level == "executive" else units[1 + int(rng.integers(len(units) - 1))],
                       "reports_to_id": boss})
        levels.append(level)
    ds.nodes[Label.Stakeholder] = people
    sids = [p["id"] for p in people]
    # influence: power law over sources, strengths in (0, 1]
    zipf = 1 / np.arange(1, n + 1) ** 1.1
    zipf /= zipf.sum()
    infl = {}
    for _ in range(int(n * 1.5)):
        src, dst = int(rng.choice(n, p=zipf)), int(rng.integers(n))
        if src != dst:
            infl[(src, dst)] = round(float(np.clip(rng.beta(2, 3), 0.05, 1.0)), 3)
    ds.edges[Rel.INFLUENCES] = [{"source_id": sids[s], "target_id": sids[t], "strength": v} for (s, t), v in infl.items()]
    # ties: a few strong ties per person from the covering office's people
    emps = ctx["by_office"][office]
    knows = {}
    for i, sid in enumerate(sids):
        for _ in range(int(rng.choice([0, 1, 1, 2, 2, 3]))):
            e = emps[int(rng.integers(len(emps)))]
            since = today - dt.timedelta(days=int(rng.integers(30, 1500)))
            last = today - dt.timedelta(days=int(rng.integers(0, 400)))
            knows[(e, sid)] = {"employee_id": e, "stakeholder_id": sid,
                               "closeness": int(rng.choice(5, p=[0.05, 0.25, 0.35, 0.25, 0.10])),
                               "since": since.isoformat(), "last_contact": max(since, last).isoformat()}
    ds.edges[Rel.KNOWS] = list(knows.values())
    # deals with chains
    deals, chain, team, comp = [], [], [], []
    for d in range(int(rng.integers(1, 10))):
        did = f"{aid}-d{d}"
        line = vocab.SOLUTION_LINES[int(rng.integers(3))]
        partner_led = bool(rng.random() < 0.1)
        amount = float(round(np.exp(rng.normal(13.5, 1.0)), -3))
        status = str(rng.choice(["open", "won", "lost", "abandoned"], p=[0.7, 0.15, 0.1, 0.05]))
        deals.append({"id": did, "name": f"{line[1]}项目{d + 1}", "name_en": f"{line[0]} project {d + 1}", "account_id": aid,
                      "amount": amount, "solution_line": line[0], "stage": STAGES[int(rng.integers(8 if status != "open" else 7))],
                      "expected_close": (today + dt.timedelta(days=int(rng.integers(-120, 365)))).isoformat(),
                      "partner_led": partner_led,
                      "partner_id": f"ptn-{int(rng.integers(ctx['partners'])):05d}" if partner_led or rng.random() < 0.5 else None,
                      "owner_id": emps[1 + int(rng.integers(len(emps) - 1))], "status": status})
        k = int(min(n, np.clip(5 + rng.pareto(1.5) * 6, 5, 40)))
        members = rng.choice(n, size=k, replace=False)
        for j, s in enumerate(sorted(members.tolist())):
            role = ROLES[j] if j < len(ROLES) and rng.random() < 0.85 else str(rng.choice(ROLES[2:]))
            chain.append({"stakeholder_id": sids[s], "deal_id": did, "role": role, "influence": int(rng.integers(1, 6)),
                          "solution_acceptance": int(rng.choice(5, p=[0.08, 0.17, 0.35, 0.28, 0.12])) - 2,
                          "price_acceptance": int(rng.choice(5, p=[0.08, 0.2, 0.37, 0.25, 0.1])) - 2,
                          "favors_competitor": bool(rng.random() < 0.04),
                          "assessed_at": (today - dt.timedelta(days=int(rng.integers(0, 120)))).isoformat()})
        for r, e in zip(["sales", "solution", "delivery"], rng.choice(emps, size=min(3, len(emps)), replace=False)):
            if rng.random() < 0.8:
                team.append({"employee_id": str(e), "deal_id": did, "role": r})
        for c in rng.choice(len(vocab.COMPETITORS), size=int(rng.integers(0, 3)), replace=False):
            comp.append({"competitor_id": vocab.COMPETITORS[int(c)][0], "deal_id": did,
                         "position": str(rng.choice(["leading", "even", "trailing", "unknown"]))})
    ds.nodes[Label.Deal] = deals
    ds.edges[Rel.IN_CHAIN] = chain
    ds.edges[Rel.ON_TEAM] = team
    ds.edges[Rel.COMPETES_IN] = comp
    acts = []
    for k in range(int(rng.integers(2, 12))):
        tied = list(knows)
        if not tied:
            break
        e, sid = tied[int(rng.integers(len(tied)))]
        acts.append({"id": f"{aid}-act{k}", "type": str(rng.choice(["visit", "meeting", "demo", "call", "dinner", "workshop"])),
                     "date": (today - dt.timedelta(days=int(rng.integers(0, 365)))).isoformat(),
                     "employee_id": e, "stakeholder_ids": [sid], "deal_id": deals[int(rng.integers(len(deals)))]["id"]})
    ds.nodes[Label.Activity] = acts
    return ds


def generate(accounts: int, seed: int = 1, chunk: int = 500, today: dt.date | None = None) -> Iterator[Dataset]:
    """The data set as chunks: first the shared entities, then ``chunk`` accounts at a time."""
    today = today or dt.date(2026, 12, 1)
    head, ctx = _global(seed, accounts)
    yield head
    for start in range(0, accounts, chunk):
        ds = Dataset()
        for a in range(start, min(accounts, start + chunk)):
            ds.add(_account(seed, a, ctx, today))
        yield ds


def load_dataset(store: Store, ds: Dataset, on_rows: Callable[[int], None] | None = None) -> UpsertResult:
    """Write one chunk through the store in dependency order (nodes, then relationships)."""
    total = UpsertResult()
    for label in NODE_ORDER:
        rows = ds.nodes.get(label)
        if rows:
            total += store.upsert_nodes(label, rows, on_batch=on_rows)
    for rel in EDGE_ORDER:
        rows = ds.edges.get(rel)
        if rows:
            total += store.upsert_edges(rel, rows, on_batch=on_rows)
    return total
