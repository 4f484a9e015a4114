"""The method configuration (METHOD.md §3-§4): every weight, threshold and label, validated at load.

The defaults ship in ``kam/method.toml``; ``KAM_METHOD_FILE`` points at an override whose keys are
merged over them. A bad file raises ``MethodConfigError`` naming the key and the reason.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kam.errors import KamError
from kam.models import ChainRole, Level

__all__ = ["Method", "MethodConfigError", "load_method", "default_method", "DEFAULT_FILE"]

DEFAULT_FILE = Path(__file__).with_name("method.toml")

Unit = Annotated[float, Field(ge=0, le=1)]
Pos = Annotated[float, Field(gt=0)]
Score = Annotated[float, Field(ge=0, le=100)]


class MethodConfigError(KamError):
    pass


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Closeness(_Section):
    floor: Unit
    half_life_days: Pos


class Propagation(_Section):
    lambda_max: Annotated[float, Field(ge=0, lt=1)]


class StakeholderWeights(_Section):
    closeness: Unit
    attitude: Unit
    price: Unit

    @model_validator(mode="after")
    def _sum_to_one(self):
        total = self.closeness + self.attitude + self.price
        if abs(total - 1) > 1e-9:
            raise ValueError(f"closeness + attitude + price must add up to 1, got {total:g}")
        return self


class Chain(_Section):
    required_roles: list[ChainRole]
    missing_role_influence: Annotated[int, Field(ge=1, le=5)]
    high_weight: Unit


class Stance(_Section):
    opponent_attitude: Annotated[float, Field(ge=-1, le=1)]
    supporter_attitude: Annotated[float, Field(ge=-1, le=1)]
    supporter_closeness: Unit


class Risks(_Section):
    decision_maker_weak_br: Score
    influential_opponent_weight: Unit
    single_threaded_max_employees: Annotated[int, Field(ge=0)]
    stale_assessment_days: Annotated[int, Field(ge=1)]
    hidden_influencer_share: Unit


class Shot(_Section):
    min_score: Score
    min_decision_maker_br: Score
    require_coach: bool


class WinProbability(_Section):
    slope: Pos
    midpoint: Score
    min_history: Annotated[int, Field(ge=2)]


class AccountWeights(_Section):
    covered_closeness: Unit
    depth: Unit
    coverage: Unit
    spread: Unit
    dependency_share: Unit
    level_weights: dict[Level, Pos]


class EmployeeWeights(_Section):
    default_importance: Unit


class WarmPaths(_Section):
    max_hops: Annotated[int, Field(ge=1, le=6)]


class NextActions(_Section):
    closeness_step: Annotated[float, Field(gt=0, le=1)]


class Label(_Section):
    en: str
    zh: str


class Labels(_Section):
    closeness: dict[int, Label]
    solution_acceptance: dict[int, Label]
    price_acceptance: dict[int, Label]
    roles: dict[ChainRole, Label]
    stances: dict[str, Label]
    risks: dict[str, Label]


class Method(_Section):
    closeness: Closeness
    propagation: Propagation
    stakeholder: StakeholderWeights
    roles: dict[ChainRole, Unit]
    chain: Chain
    stance: Stance
    risks: Risks
    shot: Shot
    win_probability: WinProbability
    account: AccountWeights
    employee: EmployeeWeights
    warm_paths: WarmPaths
    next_actions: NextActions
    labels: Labels

    @model_validator(mode="after")
    def _every_role_weighted(self):
        missing = [r.value for r in ChainRole if r not in self.roles]
        if missing:
            raise ValueError(f"roles: a weight is missing for {', '.join(missing)}")
        return self

    def role_weight(self, role: ChainRole) -> float:
        return self.roles[ChainRole(role)]

    def label(self, kind: str, key: Any, lang: str = "en") -> str:
        table = getattr(self.labels, kind)
        entry = table.get(key)
        if entry is None and hasattr(key, "value"):
            entry = table.get(key.value)
        if entry is None:
            return str(getattr(key, "value", key))
        return entry.zh if lang == "zh" else entry.en


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _int_keys(data: dict) -> dict:
    """TOML keys are strings; scale labels are keyed by the scale's integer value."""
    labels = data.get("labels", {})
    for kind in ("closeness", "solution_acceptance", "price_acceptance"):
        if isinstance(labels.get(kind), dict):
            labels[kind] = {int(k) if str(k).lstrip("-").isdigit() else k: v for k, v in labels[kind].items()}
    return data


def load_toml(default_file: Path, path: str | os.PathLike | None, env_var: str, model: type[BaseModel],
              prepare=lambda d: d) -> Any:
    """Defaults from ``default_file``, the file at ``path`` (or ``$env_var``) merged over them, validated by
    ``model``; a bad file raises ``MethodConfigError`` naming the key and the reason."""
    with open(default_file, "rb") as f:
        data = tomllib.load(f)
    path = path or os.environ.get(env_var) or None
    source = str(default_file)
    if path:
        source = str(path)
        try:
            with open(path, "rb") as f:
                data = _merge(data, tomllib.load(f))
        except FileNotFoundError as exc:
            raise MethodConfigError(f"configuration file {source} does not exist ({env_var})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise MethodConfigError(f"configuration file {source} is not valid TOML: {exc}") from exc
    try:
        return model.model_validate(prepare(data))
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise MethodConfigError(f"configuration file {source} is invalid: {reasons}") from exc


def load_method(path: str | os.PathLike | None = None) -> Method:
    """Load the defaults, merge the file at ``path`` (or ``KAM_METHOD_FILE``) over them, validate."""
    return load_toml(DEFAULT_FILE, path, "KAM_METHOD_FILE", Method, _int_keys)


@lru_cache(maxsize=1)
def default_method() -> Method:
    """The method in force for this process (defaults plus ``KAM_METHOD_FILE``), loaded once."""
    return load_method()
