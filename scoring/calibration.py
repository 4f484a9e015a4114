"""Win-probability calibration: fit the logistic curve on closed deals that carry a score at closing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from kam.method import Method

__all__ = ["Calibration", "calibrate"]


@dataclass(frozen=True, slots=True)
class Calibration:
    slope: float
    midpoint: float
    brier: float | None
    n: int
    fitted: bool
    message: str


def _p(ds: np.ndarray, k: float, m: float) -> np.ndarray:
    return 1 / (1 + np.exp(np.clip(-k * (ds - m), -700, 700)))


def calibrate(scores: Sequence[float], won: Sequence[bool], method: Method) -> Calibration:
    """Logistic regression of outcome on DS (maximum likelihood, lightly regularised toward the default
    curve so that perfectly separated histories stay finite). With fewer than ``min_history`` deals
    the default curve is kept and the message says so. The Brier score is reported either way."""
    wp = method.win_probability
    ds = np.asarray(scores, dtype=float)
    y = np.asarray(won, dtype=float)
    n = len(ds)
    if n < wp.min_history:
        brier = float(np.mean((_p(ds, wp.slope, wp.midpoint) - y) ** 2)) if n else None
        return Calibration(wp.slope, wp.midpoint, brier, n, False,
                           f"{n} closed deals with a score; at least {wp.min_history} are needed to fit, default curve used")

    def nll(theta: np.ndarray) -> float:
        k, m = theta
        z = k * (ds - m)
        ll = y * -np.logaddexp(0, -z) + (1 - y) * -np.logaddexp(0, z)
        return float(-ll.sum() + 1e-3 * ((k - wp.slope) ** 2 * 100 + ((m - wp.midpoint) / 10) ** 2))

    res = minimize(nll, x0=np.array([wp.slope, wp.midpoint]), method="L-BFGS-B",
                   bounds=[(1e-4, 5.0), (-50.0, 150.0)])
    k, m = map(float, res.x)
    brier = float(np.mean((_p(ds, k, m) - y) ** 2))
    return Calibration(k, m, brier, n, True, f"fitted on {n} closed deals")
