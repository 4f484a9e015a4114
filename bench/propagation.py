"""Attitude propagation: the exact equilibrium solve against straightforward iteration of the same model.

    python -m bench.propagation

Account-sized influence graphs of 100, 1,000 and 10,000 stakeholders (power-law sources, about 1.5
edges per person, cycles included). Both methods must agree to 1e-9; the figures are the time of each
and their ratio, measured side by side in one run.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from kam.subgraph import InfluenceEdge
from scoring.propagation import build_influence_model, iterate_equilibrium


def graph(n: int, rng: np.random.Generator) -> tuple[list[str], list[InfluenceEdge], np.ndarray]:
    ids = [f"p{i}" for i in range(n)]
    zipf = 1 / np.arange(1, n + 1) ** 1.1
    zipf /= zipf.sum()
    src = rng.choice(n, size=int(n * 1.5), p=zipf)
    dst = rng.integers(0, n, size=len(src))
    edges = {}
    for s, t in zip(src.tolist(), dst.tolist()):
        if s != t:
            edges[(s, t)] = InfluenceEdge(ids[s], ids[t], float(rng.uniform(0.05, 1)))
    innate = rng.integers(-2, 3, size=n) / 2
    return ids, list(edges.values()), innate.astype(float)


def _iterate_rows(ids, edges, lambda_max, rows, tol=1e-14):
    """Rows of M by iteration (y <- e_v + (ΛW)^T y, row = y (1 - λ)): what explanations need."""
    import scipy.sparse as sp

    index = {p: i for i, p in enumerate(ids)}
    n = len(ids)
    incoming = np.zeros(n)
    trip = []
    for e in edges:
        s_, t_ = index[e.source_id], index[e.target_id]
        trip.append((t_, s_, e.strength))
        incoming[t_] += e.strength
    lam = np.minimum(lambda_max, incoming)
    r, c, v = map(np.array, zip(*trip))
    lwt = sp.csr_matrix((v * lam[r] / incoming[r], (r, c)), shape=(n, n)).T.tocsr()
    e = np.zeros((n, len(rows)))
    e[rows, range(len(rows))] = 1
    y = e.copy()
    while True:
        nxt = e + lwt @ y
        if np.max(np.abs(nxt - y)) < tol:
            return (nxt * (1 - lam)[:, None]).T
        y = nxt


def measure(sizes=(100, 1000, 10000), repeat: int = 5, lambda_max: float = 0.5) -> dict:
    rng = np.random.default_rng(3)
    out = {}
    for n in sizes:
        ids, edges, innate = graph(n, rng)
        solve, iterate = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            x = build_influence_model(ids, edges, lambda_max).equilibrium(innate)
            t1 = time.perf_counter()
            y = iterate_equilibrium(ids, edges, lambda_max, innate, tol=1e-14)
            t2 = time.perf_counter()
            solve.append(t1 - t0)
            iterate.append(t2 - t1)
        diff = float(np.max(np.abs(x - y)))
        assert diff < 1e-9, (n, diff)
        s, it = float(np.median(solve)), float(np.median(iterate))
        # with explanations: the equilibrium and the shares (rows of M) of 30 chain members
        rows = list(range(min(30, n)))
        t0 = time.perf_counter()
        model = build_influence_model(ids, edges, lambda_max)
        model.equilibrium(innate)
        mr = model.rows(rows)
        t1 = time.perf_counter()
        iterate_equilibrium(ids, edges, lambda_max, innate, tol=1e-14)
        ir = _iterate_rows(ids, edges, lambda_max, rows)
        t2 = time.perf_counter()
        rdiff = float(np.max(np.abs(mr - ir)))
        assert rdiff < 1e-9, (n, rdiff)
        out[str(n)] = {"edges": len(edges), "solve_ms": round(s * 1000, 3), "iterate_ms": round(it * 1000, 3),
                       "max_abs_difference": diff, "speed_ratio_iterate_vs_solve": round(it / s, 2),
                       "with_30_explanation_rows": {"solve_ms": round((t1 - t0) * 1000, 3),
                                                    "iterate_ms": round((t2 - t1) * 1000, 3),
                                                    "max_abs_difference": rdiff,
                                                    "speed_ratio_iterate_vs_solve": round((t2 - t1) / (t1 - t0), 2)}}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(measure(repeat=args.repeat), indent=2))


if __name__ == "__main__":
    main()
