"""The graph schema: labels, relationship types, how each model maps onto the graph, constraints and indexes.

Labels and relationship types are Enums; queries are built only from these, never from user input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import LiteralString

from kam import models as m

__all__ = [
    "Label", "Rel", "Ref", "NodeSpec", "EdgeSpec", "NODE_SPECS", "EDGE_SPECS", "INDEXES", "NODE_ORDER", "EDGE_ORDER",
    "ensure_schema",
]


class Label(str, Enum):
    Sector = "Sector"
    Industry = "Industry"
    Office = "Office"
    IndustryTeam = "IndustryTeam"
    Partner = "Partner"
    Account = "Account"
    OrgUnit = "OrgUnit"
    Stakeholder = "Stakeholder"
    Employee = "Employee"
    Deal = "Deal"
    Competitor = "Competitor"
    Lead = "Lead"
    Activity = "Activity"
    DealPlan = "DealPlan"
    Review = "Review"
    Action = "Action"
    Effort = "Effort"
    StageChange = "StageChange"
    Violation = "Violation"
    Collection = "Collection"
    AccountSnapshot = "AccountSnapshot"


class Rel(str, Enum):
    PART_OF = "PART_OF"
    FOCUSES_ON = "FOCUSES_ON"
    IN_INDUSTRY = "IN_INDUSTRY"
    COVERED_BY = "COVERED_BY"
    UNIT_OF = "UNIT_OF"
    PARENT = "PARENT"
    WORKS_AT = "WORKS_AT"
    MEMBER_OF = "MEMBER_OF"
    REPORTS_TO = "REPORTS_TO"
    IN_OFFICE = "IN_OFFICE"
    IN_TEAM = "IN_TEAM"
    FOR_ACCOUNT = "FOR_ACCOUNT"
    VIA_PARTNER = "VIA_PARTNER"
    OWNED_BY = "OWNED_BY"
    BY = "BY"
    WITH = "WITH"
    ABOUT = "ABOUT"
    PLAN_OF = "PLAN_OF"
    REVIEW_OF = "REVIEW_OF"
    DECIDED_BY = "DECIDED_BY"
    ACTION_OF = "ACTION_OF"
    OWNS = "OWNS"
    TARGETS = "TARGETS"
    EFFORT_ON = "EFFORT_ON"
    SPENT_BY = "SPENT_BY"
    CHANGE_OF = "CHANGE_OF"
    VIOLATION_OF = "VIOLATION_OF"
    COLLECTED_ON = "COLLECTED_ON"
    SNAPSHOT_OF = "SNAPSHOT_OF"
    KNOWS = "KNOWS"
    IN_CHAIN = "IN_CHAIN"
    INFLUENCES = "INFLUENCES"
    ON_TEAM = "ON_TEAM"
    COMPETES_IN = "COMPETES_IN"


@dataclass(frozen=True)
class Ref:
    """A model field holding the id (or ids) of another node: stored as a property and as an edge
    ``(node)-[rel]->(target)``. ``required`` refs make the node depend on its target (delete rules)."""

    field: str
    rel: Rel
    target: Label
    many: bool = False
    required: bool = False


@dataclass(frozen=True)
class NodeSpec:
    label: Label
    model: type[m.Node]
    refs: tuple[Ref, ...] = ()
    filters: tuple[str, ...] = field(default=())  # properties lists may filter on (indexed)


@dataclass(frozen=True)
class EdgeSpec:
    """A relationship with its own data: ``(source)-[rel {props}]->(target)``."""

    rel: Rel
    model: type[m.Edge]
    source: Label
    source_field: str
    target: Label
    target_field: str

    @property
    def endpoint_fields(self) -> set[str]:
        return {self.source_field, self.target_field}


L, R = Label, Rel
NODE_SPECS: dict[Label, NodeSpec] = {
    s.label: s
    for s in (
        NodeSpec(L.Sector, m.Sector),
        NodeSpec(L.Industry, m.Industry, (Ref("sector_id", R.PART_OF, L.Sector),), ("sector_id",)),
        NodeSpec(L.Office, m.Office),
        NodeSpec(L.IndustryTeam, m.IndustryTeam, (Ref("industry_id", R.FOCUSES_ON, L.Industry),)),
        NodeSpec(L.Partner, m.Partner),
        NodeSpec(
            L.Account, m.Account,
            (Ref("industry_id", R.IN_INDUSTRY, L.Industry), Ref("office_id", R.COVERED_BY, L.Office)),
            ("industry_id", "office_id", "tier", "status"),
        ),
        NodeSpec(
            L.OrgUnit, m.OrgUnit,
            (Ref("account_id", R.UNIT_OF, L.Account, required=True), Ref("parent_id", R.PARENT, L.OrgUnit)),
            ("account_id",),
        ),
        NodeSpec(
            L.Stakeholder, m.Stakeholder,
            (
                Ref("account_id", R.WORKS_AT, L.Account, required=True),
                Ref("org_unit_id", R.MEMBER_OF, L.OrgUnit),
                Ref("reports_to_id", R.REPORTS_TO, L.Stakeholder),
            ),
            ("account_id", "level", "key"),
        ),
        NodeSpec(
            L.Employee, m.Employee,
            (Ref("office_id", R.IN_OFFICE, L.Office), Ref("team_id", R.IN_TEAM, L.IndustryTeam)),
            ("office_id", "team_id"),
        ),
        NodeSpec(
            L.Deal, m.Deal,
            (
                Ref("account_id", R.FOR_ACCOUNT, L.Account, required=True),
                Ref("partner_id", R.VIA_PARTNER, L.Partner),
                Ref("owner_id", R.OWNED_BY, L.Employee),
            ),
            ("account_id", "stage", "grade", "status", "owner_id"),
        ),
        NodeSpec(L.Competitor, m.Competitor),
        NodeSpec(L.Lead, m.Lead, (Ref("account_id", R.FOR_ACCOUNT, L.Account),), ("account_id", "status")),
        NodeSpec(
            L.Activity, m.Activity,
            (
                Ref("employee_id", R.BY, L.Employee, required=True),
                Ref("stakeholder_ids", R.WITH, L.Stakeholder, many=True, required=True),
                Ref("deal_id", R.ABOUT, L.Deal),
            ),
            ("employee_id", "deal_id", "date"),
        ),
        NodeSpec(L.DealPlan, m.DealPlan, (Ref("deal_id", R.PLAN_OF, L.Deal, required=True),), ("deal_id",)),
        NodeSpec(L.Review, m.Review, (Ref("deal_id", R.REVIEW_OF, L.Deal, required=True),
                                      Ref("by_id", R.DECIDED_BY, L.Employee)), ("deal_id",)),
        NodeSpec(L.Action, m.Action, (Ref("deal_id", R.ACTION_OF, L.Deal, required=True),
                                      Ref("owner_id", R.OWNS, L.Employee), Ref("target_id", R.TARGETS, L.Stakeholder)),
                 ("deal_id", "owner_id", "status")),
        NodeSpec(L.Effort, m.Effort, (Ref("deal_id", R.EFFORT_ON, L.Deal, required=True),
                                      Ref("employee_id", R.SPENT_BY, L.Employee, required=True)), ("deal_id", "employee_id")),
        NodeSpec(L.StageChange, m.StageChange, (Ref("deal_id", R.CHANGE_OF, L.Deal, required=True),), ("deal_id",)),
        NodeSpec(L.Violation, m.Violation, (Ref("deal_id", R.VIOLATION_OF, L.Deal, required=True),), ("deal_id",)),
        NodeSpec(L.Collection, m.Collection, (Ref("deal_id", R.COLLECTED_ON, L.Deal, required=True),), ("deal_id",)),
        NodeSpec(L.AccountSnapshot, m.AccountSnapshot, (Ref("account_id", R.SNAPSHOT_OF, L.Account, required=True),),
                 ("account_id", "date")),
    )
}

EDGE_SPECS: dict[Rel, EdgeSpec] = {
    s.rel: s
    for s in (
        EdgeSpec(R.KNOWS, m.Knows, L.Employee, "employee_id", L.Stakeholder, "stakeholder_id"),
        EdgeSpec(R.IN_CHAIN, m.ChainMember, L.Stakeholder, "stakeholder_id", L.Deal, "deal_id"),
        EdgeSpec(R.INFLUENCES, m.Influence, L.Stakeholder, "source_id", L.Stakeholder, "target_id"),
        EdgeSpec(R.ON_TEAM, m.TeamMember, L.Employee, "employee_id", L.Deal, "deal_id"),
        EdgeSpec(R.COMPETES_IN, m.CompetesIn, L.Competitor, "competitor_id", L.Deal, "deal_id"),
    )
}

# Write order that respects references: every node's targets come before it.
NODE_ORDER: tuple[Label, ...] = (
    L.Sector, L.Industry, L.Office, L.IndustryTeam, L.Partner, L.Competitor, L.Employee, L.Account, L.OrgUnit,
    L.Stakeholder, L.Deal, L.Lead, L.Activity, L.DealPlan, L.Review, L.Action, L.Effort, L.StageChange, L.Violation,
    L.Collection, L.AccountSnapshot,
)
EDGE_ORDER: tuple[Rel, ...] = (R.KNOWS, R.IN_CHAIN, R.INFLUENCES, R.ON_TEAM, R.COMPETES_IN)

# Secondary indexes the queries need: list filters, plus updated_at for incremental BI loads.
INDEXES: tuple[tuple[Label, str], ...] = tuple(
    (spec.label, prop) for spec in NODE_SPECS.values() for prop in (*spec.filters, "updated_at")
)


# The product's own records (not domain data, never exported): API tokens, audit trail, coaching notes.
SYSTEM_CONSTRAINTS: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT apitoken_id IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT apitoken_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.hash IS UNIQUE",
    "CREATE CONSTRAINT auditentry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT coachingnote_id IF NOT EXISTS FOR (n:CoachingNote) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX apitoken_name IF NOT EXISTS FOR (n:ApiToken) ON (n.name)",
    "CREATE INDEX auditentry_target_id IF NOT EXISTS FOR (n:AuditEntry) ON (n.target_id)",
    "CREATE INDEX coachingnote_deal_id IF NOT EXISTS FOR (n:CoachingNote) ON (n.deal_id)",
)


def ensure_schema(db) -> None:
    """Create the unique constraint on ``id`` for every label and the secondary indexes; idempotent."""
    from graph.queries import builders

    for label in Label:
        db.run_write(builders.unique_id_constraint(label))
    for label, prop in INDEXES:
        db.run_write(builders.property_index(label, prop))
    for q in SYSTEM_CONSTRAINTS:
        db.run_write(q)
