"""Portfolio scoring: score every deal of an account with one factorisation of its influence matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kam.method import Method
from kam.subgraph import AccountDeals
from scoring.deal import DealScore, people_of, score_deal_with_model
from scoring.propagation import build_influence_model

__all__ = ["score_account_deals"]

def score_account_deals(bundle: AccountDeals, method: Method, today: dt.date, explain: bool = False) -> Iterable[DealScore]:
    """Work linear in the data: the influence system of the account's people is factorised once and
    reused for every deal whose people are the same (the usual case: members work at the account);
    a deal whose chain reaches outside the account gets its own factorisation, as in ``score_deal``."""
    models: dict[tuple[str, ...], object] = {}
    for sg in bundle.deals:
        key = tuple(people_of(sg))
        model = models.get(key)
        if model is None:
            model = build_influence_model(key, bundle.influences, method.propagation.lambda_max)
            models[key] = model
        yield score_deal_with_model(sg, model, method, today, explain=explain, actions=10 if explain else 0)
