"""Attitude propagation over INFLUENCES edges: the Friedkin-Johnsen equilibrium (METHOD.md §4).

Row v of W holds v's incoming strengths divided by their sum (zero for someone nobody influences);
lambda_v = min(lambda_max, sum of incoming strengths); the equilibrium is x = M a with
M = (I - Lambda W)^-1 (I - Lambda). Each row of M sums to 1: M[v, u] is the share of v's effective
attitude that comes from u. The system is solved with a sparse LU factorisation, never by
iteration; the factorisation is reused for every right-hand side (several deals of one account,
what-if changes, explanation rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from kam.subgraph import InfluenceEdge

__all__ = ["InfluenceModel", "build_influence_model", "iterate_equilibrium"]


@dataclass
class InfluenceModel:
    """The factorised influence system of one group of people."""

    ids: list[str]
    index: dict[str, int]
    lam: np.ndarray  # susceptibility per person
    _lu: object | None  # splu of A = I - Lambda W (None when there are no edges: A = I)
    _lu_t: object | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    def equilibrium(self, innate: np.ndarray) -> np.ndarray:
        """x = M a for one or several innate-attitude vectors (columns)."""
        rhs = (1 - self.lam)[:, None] * innate if innate.ndim == 2 else (1 - self.lam) * innate
        if self._lu is None:
            return rhs.astype(float)
        return self._lu.solve(np.asarray(rhs, dtype=float))

    def column(self, u: int) -> np.ndarray:
        """M[:, u]: how much everyone's effective attitude moves per unit of u's innate attitude."""
        e = np.zeros(self.n)
        e[u] = 1.0
        return self.equilibrium(e)

    def rows(self, vs: Sequence[int]) -> np.ndarray:
        """M[v, :] for each v: the shares of v's effective attitude by source (each row sums to 1)."""
        if not len(vs):
            return np.zeros((0, self.n))
        e = np.zeros((self.n, len(vs)))
        e[list(vs), range(len(vs))] = 1.0
        if self._lu is None:
            y = e
        else:
            y = self._lu.solve(e, trans="T")
        return (y * (1 - self.lam)[:, None]).T


def build_influence_model(people: Sequence[str], edges: Iterable[InfluenceEdge], lambda_max: float) -> InfluenceModel:
    """Factorise I - Lambda W for ``people``; edges touching others and self-loops are ignored."""
    ids = list(dict.fromkeys(people))
    index = {p: i for i, p in enumerate(ids)}
    n = len(ids)
    rows, cols, vals = [], [], []
    incoming = np.zeros(n)
    for e in edges:
        s, t = index.get(e.source_id), index.get(e.target_id)
        if s is None or t is None or s == t or e.strength <= 0:
            continue
        rows.append(t)
        cols.append(s)
        vals.append(float(e.strength))
        incoming[t] += e.strength
    lam = np.minimum(lambda_max, incoming)
    if not vals:
        return InfluenceModel(ids, index, lam, None)
    r, c, v = np.array(rows), np.array(cols), np.array(vals)
    # Row-normalise W by incoming sums and scale by lambda: (Lambda W)[t, s] = lambda_t * w_ts / sum_t.
    lw = v * lam[r] / incoming[r]
    a = sp.identity(n, format="csc") - sp.csc_matrix((lw, (r, c)), shape=(n, n))
    return InfluenceModel(ids, index, lam, splu(a.tocsc()))


def iterate_equilibrium(
    people: Sequence[str], edges: Iterable[InfluenceEdge], lambda_max: float, innate: np.ndarray,
    tol: float = 1e-13, max_iter: int = 1_000_000,
) -> np.ndarray:
    """The same model by straightforward iteration x <- Lambda W x + (I - Lambda) a (reference only:
    tests and benchmarks compare the solver against it)."""
    ids = list(dict.fromkeys(people))
    index = {p: i for i, p in enumerate(ids)}
    n = len(ids)
    incoming = np.zeros(n)
    triples = []
    for e in edges:
        s, t = index.get(e.source_id), index.get(e.target_id)
        if s is None or t is None or s == t or e.strength <= 0:
            continue
        triples.append((t, s, e.strength))
        incoming[t] += e.strength
    lam = np.minimum(lambda_max, incoming)
    if triples:
        r, c, v = map(np.array, zip(*triples))
        lw = sp.csr_matrix((v * lam[r] / incoming[r], (r, c)), shape=(n, n))
    else:
        lw = sp.csr_matrix((n, n))
    x = innate.astype(float).copy()
    base = (1 - lam) * innate
    for _ in range(max_iter):
        nxt = lw @ x + base
        if np.max(np.abs(nxt - x), initial=0.0) < tol:
            return nxt
        x = nxt
    return x
