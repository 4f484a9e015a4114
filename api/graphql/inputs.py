"""GraphQL input types, built from the pydantic models (validation stays in the models)."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from kam import models as m


@pydantic_input(model=m.Account, all_fields=True, description="An account to create or update (by id).")
class AccountInput:
    pass


@pydantic_input(model=m.OrgUnit, all_fields=True)
class OrgUnitInput:
    pass


@pydantic_input(model=m.Stakeholder, all_fields=True)
class StakeholderInput:
    pass


@pydantic_input(model=m.Employee, all_fields=True)
class EmployeeInput:
    pass


@pydantic_input(model=m.Deal, all_fields=True)
class DealInput:
    pass


@pydantic_input(model=m.Competitor, all_fields=True)
class CompetitorInput:
    pass


@pydantic_input(model=m.Activity, all_fields=True)
class ActivityInput:
    pass


@pydantic_input(model=m.Knows, all_fields=True, description="A tie: our employee knows a stakeholder.")
class TieInput:
    pass


@pydantic_input(model=m.ChainMember, all_fields=True, description="Decision-chain membership and assessment.")
class ChainMemberInput:
    pass


@pydantic_input(model=m.Influence, all_fields=True)
class InfluenceInput:
    pass


@pydantic_input(model=m.TeamMember, all_fields=True)
class TeamMemberInput:
    pass


@pydantic_input(model=m.CompetesIn, all_fields=True)
class DealCompetitorInput:
    pass


@pydantic_input(model=m.WhatIfChange, all_fields=True, description="One hypothetical change for whatIf.")
class WhatIfChangeInput:
    pass


@strawberry.input
class AccountFilter:
    industry: str | None = None
    sector: str | None = None
    office: str | None = None
    tier: m.Tier | None = None
    text: str | None = strawberry.field(default=None, description="Part of the name (zh or en), any case.")


@strawberry.input
class DealFilter:
    stage: m.DealStage | None = None
    grade: m.Grade | None = None
    status: m.DealStatus | None = None
    office: str | None = None
    industry: str | None = None
    owner: str | None = None
    account: str | None = None
    min_score: float | None = None
    max_score: float | None = None


