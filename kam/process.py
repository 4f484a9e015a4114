"""The sales-process configuration (METHOD.md §5): stages, grades, gates, win plan, presales cost, KPIs.

Defaults ship in ``kam/process.toml``; ``KAM_PROCESS_FILE`` points at an override merged over them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kam.method import load_toml
from kam.models import DealStage, Grade, TeamRole

__all__ = ["Process", "load_process", "default_process", "GateItem", "KNOWN_ITEMS"]

DEFAULT_FILE = Path(__file__).with_name("process.toml")
Pos = Annotated[float, Field(ge=0)]

KNOWN_ITEMS = {
    "amount", "expected_close", "solution_line", "decision_chain", "relationship_map", "competitor_analysis",
    "questionnaire", "strategy", "action_plan", "commercial_content", "technical_content", "bid_application", "partner",
    "partner_registration", "contract", "bid_analysis_meeting", "assessment_passed", "questionnaire_passed",
    "commercial_review", "technical_review", "bid_approval",
}
ARTIFACTS = {"commercial_content", "technical_content", "bid_application", "partner_registration", "contract",
             "bid_analysis_meeting"}


class _S(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_S):
    en: str
    zh: str


class GateItem(_S):
    kind: Literal["filled", "done", "review", "people"]
    en: str
    zh: str


class Stages(_S):
    merge_needs_and_value: bool
    probability: dict[DealStage, Annotated[float, Field(ge=0, le=100)]]
    labels: dict[DealStage, Label]


class Thresholds(_S):
    A: Pos
    B: Pos
    C: Pos

    @model_validator(mode="after")
    def _ordered(self):
        if not self.A > self.B > self.C:
            raise ValueError(f"grade thresholds must fall: A > B > C, got {self.A:g}, {self.B:g}, {self.C:g}")
        return self


class Grades(Thresholds):
    solution_lines: dict[str, Thresholds] = {}


class Paths(_S):
    full: list[Grade]
    fast_track: list[Grade]
    partner: list[Grade]
    fast_track_from: DealStage
    fast_track_to: DealStage


class Question(_S):
    id: str
    weight: Pos
    en: str
    zh: str


class Questionnaire(_S):
    pass_score: Annotated[float, Field(ge=0, le=100)]
    stale_days: Annotated[int, Field(ge=1)]
    questions: list[Question]


class Strategies(_S):
    options: list[str]


class Presales(_S):
    default_rate: Pos
    rates: dict[str, Pos]


class KpiWeights(_S):
    signed_amount: Pos
    collections: Pos
    account_score_change: Pos
    opportunities: Pos


class Kpi(_S):
    weights: KpiWeights
    industry_weights: dict[str, KpiWeights] = {}


class Process(_S):
    stages: Stages
    grades: Grades
    paths: Paths
    gates: dict[Literal["full", "fast_track", "partner"], dict[DealStage, list[str]]]
    gate_items: dict[str, GateItem]
    team_roles: dict[TeamRole, Label]
    questionnaire: Questionnaire
    strategies: Strategies
    presales: Presales
    kpi: Kpi

    @model_validator(mode="after")
    def _known_items(self):
        for path, gates in self.gates.items():
            for stage, items in gates.items():
                for item in items:
                    if item.startswith("team:"):
                        if item[5:] not in {r.value for r in TeamRole}:
                            raise ValueError(f"gates.{path}.{stage.value}: unknown team role {item[5:]!r}")
                    elif item not in KNOWN_ITEMS or item not in self.gate_items:
                        raise ValueError(f"gates.{path}.{stage.value}: unknown gate item {item!r}")
        grades = [*self.paths.full, *self.paths.fast_track, *self.paths.partner]
        if sorted(g.value for g in grades) != sorted(g.value for g in Grade):
            raise ValueError("paths: every grade A-E must be on exactly one path")
        return self

    def stage_order(self) -> list[DealStage]:
        order = list(DealStage)
        if self.stages.merge_needs_and_value:
            order.remove(DealStage.needs_analysis)
        return order

    def path_of(self, grade: Grade) -> str:
        for name in ("full", "fast_track", "partner"):
            if grade in getattr(self.paths, name):
                return name
        raise AssertionError(grade)


def load_process(path: str | os.PathLike | None = None) -> Process:
    return load_toml(DEFAULT_FILE, path, "KAM_PROCESS_FILE", Process)


@lru_cache(maxsize=1)
def default_process() -> Process:
    return load_process()
