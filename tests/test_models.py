"""The domain model rejects invalid values with a message that names the field and the allowed range."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kam.errors import InvalidInput
from kam.models import (
    EDGE_MODELS, NODE_MODELS, Activity, ChainMember, ChainRole, Deal, DealStage, Employee, Influence, Knows, Stakeholder,
)


def _message(exc: ValidationError) -> str:
    return str(InvalidInput.from_validation_error(exc))


@pytest.mark.parametrize(
    ("model", "data", "expected"),
    [
        (Knows, {"employee_id": "e", "stakeholder_id": "s", "closeness": 5}, "closeness: must be from 0 to 4"),
        (Knows, {"employee_id": "e", "stakeholder_id": "s", "closeness": -1}, "closeness: must be from 0 to 4"),
        (ChainMember, {"stakeholder_id": "s", "deal_id": "d", "role": "user", "solution_acceptance": 3},
         "solution_acceptance: must be from -2 to 2"),
        (ChainMember, {"stakeholder_id": "s", "deal_id": "d", "role": "user", "price_acceptance": -3},
         "price_acceptance: must be from -2 to 2"),
        (ChainMember, {"stakeholder_id": "s", "deal_id": "d", "role": "user", "influence": 6}, "influence: must be from 1 to 5"),
        (ChainMember, {"stakeholder_id": "s", "deal_id": "d", "role": "boss"}, "role: Input should be 'decision_maker'"),
        (Influence, {"source_id": "a", "target_id": "b", "strength": 0}, "strength: must be greater than 0 and at most 1"),
        (Influence, {"source_id": "a", "target_id": "b", "strength": 1.5}, "strength: must be greater than 0 and at most 1"),
        (Influence, {"source_id": "a", "target_id": "a", "strength": 0.5}, "target_id: an influence edge needs two different people"),
        (Stakeholder, {"id": "s", "name": "x", "account_id": "a", "level": "ceo"}, "level: Input should be 'executive', 'management' or 'staff'"),
        (Stakeholder, {"id": "s", "name": "x", "account_id": "a", "reports_to_id": "s"}, "reports_to_id: a person cannot report to themselves"),
        (Stakeholder, {"id": "s", "name": "x"}, "account_id: is required"),
        (Employee, {"id": "e", "name": "x", "roles": []}, "roles: List should have at least 1 item"),
        (Employee, {"id": "e", "name": "x", "roles": ["pilot"]}, "roles.0: Input should be 'sales'"),
        (Deal, {"id": "d", "name": "x", "account_id": "a", "stage": "closing"}, "stage: Input should be 'verify'"),
        (Deal, {"id": "d", "name": "x", "account_id": "a", "amount": -5}, "amount: must be from 0"),
        (Deal, {"id": "d", "name": "x", "account_id": "a", "status": "pending"}, "status: Input should be 'open', 'won', 'lost' or 'abandoned'"),
        (Deal, {"id": "has space", "name": "x", "account_id": "a"}, "id: String should match pattern"),
        (Activity, {"id": "a", "type": "visit", "date": "2026-13-01", "employee_id": "e", "stakeholder_ids": ["s"]}, "date: Input should be a valid date"),
        (Deal, {"id": "d", "name": "x", "account_id": "a", "colour": "red"}, "colour: is not a known field"),
    ],
)
def test_invalid_values_name_the_field_and_range(model, data, expected):
    with pytest.raises(ValidationError) as exc:
        model.model_validate(data)
    assert expected in _message(exc.value)


def test_scales_accept_their_whole_range():
    for c in range(5):
        assert Knows(employee_id="e", stakeholder_id="s", closeness=c).closeness == c
    for v in range(-2, 3):
        m = ChainMember(stakeholder_id="s", deal_id="d", role=ChainRole.user, solution_acceptance=v, price_acceptance=v)
        assert (m.solution_acceptance, m.price_acceptance) == (v, v)
    assert Influence(source_id="a", target_id="b", strength=1.0).strength == 1.0


def test_csv_style_strings_are_coerced():
    m = ChainMember.model_validate({"stakeholder_id": "s", "deal_id": "d", "role": "coach", "influence": "4",
                                    "favors_competitor": "false", "assessed_at": "2026-01-31"})
    assert m.influence == 4 and m.favors_competitor is False and m.assessed_at.isoformat() == "2026-01-31"


def test_stages_are_numbered_one_to_eight():
    assert [s.number for s in DealStage] == list(range(1, 9))


def test_props_round_trip_for_every_model():
    d = Deal(id="d", name="视频会议", account_id="a", amount=2e6, expected_close="2026-06-30")
    props = d.to_props()
    assert props["expected_close"] == "2026-06-30" and props["stage"] == "verify"
    assert Deal.from_props({**props, "updated_at": "2026-01-01T00:00:00Z", "score": 50}) == d
    assert len(NODE_MODELS) == 21 and set(EDGE_MODELS) == {"KNOWS", "IN_CHAIN", "INFLUENCES", "ON_TEAM", "COMPETES_IN"}
