"""Rolling-origin cross-validation inside the history, and the combination it learns.

One holdout block decides by noise (issue 20: of 25 runs that fell back to a baseline, the
network alone did better on the real future in 15). So every candidate is scored at several
origins stepping back by the horizon from the end of the history, as statsforecast's and
neuralforecast's `cross_validation` do, each origin's forecast made from the rows before it:

    origins  N - K*h, ..., N - 2h, N - h      (earliest first; each sees rows [0, origin))

Each origin's error is scaled by the in-sample seasonal-naive MAE of the rows before it
(MASE), so origins and targets weigh alike. The forecast is then a combination learned on
those origins only (M4's lesson: combinations beat single methods; Bates & Granger 1969):
the candidates within TRIM of the best cross-validated MASE, weighted by the inverse of
their MASE, so a candidate far behind gets nothing and close ones share the forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.metrics import seasonal_scale

TRIM = 1.25  # candidates within this factor of the best cross-validated MASE are combined
MAX_MEMBERS = 4  # at most this many (the best), so the combination stays a few trusted ones


def cv_origins(n_rows: int, horizon: int, count: int, first: int = 1) -> np.ndarray:
    """Up to `count` origins n_rows - h, n_rows - 2h, ..., none before `first`; earliest first."""
    ks = np.arange(1, max(int(count), 0) + 1)
    origins = n_rows - ks * horizon
    return np.sort(origins[origins >= max(first, 1)])


@dataclass(frozen=True)
class Folds:
    """The cross-validation's evidence: what happened after each origin, and its MASE scale."""

    origins: np.ndarray  # (K,) index of each origin's first forecast step
    actual: np.ndarray  # (K, h, T) the true values after each origin
    scale: np.ndarray  # (K, 1, T) the seasonal-naive in-sample MAE of the rows before it

    @classmethod
    def of(cls, y: np.ndarray, origins: np.ndarray, horizon: int, season: int) -> Folds:
        """Folds at `origins` on y (N, T): every origin's horizon must lie inside y, so a fold
        can only ever read the history it is given, never what comes after it."""
        y = np.asarray(y, np.float64)
        y = y[:, None] if y.ndim == 1 else y
        origins = np.asarray(origins, np.int64)
        if len(origins) == 0:
            raise ValueError("cross-validation needs at least one origin")
        if origins.min() < 1 or origins.max() + horizon > len(y):
            raise ValueError(
                f"origins {origins.min()}..{origins.max()} with horizon {horizon} reach outside "
                f"the {len(y)} rows of history"
            )
        actual = y[origins[:, None] + np.arange(horizon)[None, :]]
        scale = np.ones((len(origins), 1, y.shape[1]))
        for i, o in enumerate(origins):
            for k in range(y.shape[1]):
                s = seasonal_scale(y[:o, k], season)
                # a history with no seasonal-naive error: scale by its level instead (MAE-like)
                scale[i, 0, k] = s if s is not None else max(np.mean(np.abs(y[:o, k])), 1e-9)
        return cls(origins, actual, scale)

    def errors(self, forecast: np.ndarray) -> np.ndarray:
        """(K,) MASE per origin, averaged over steps and targets; inf where not finite."""
        e = np.mean(np.abs(self.actual - forecast) / self.scale, axis=(1, 2))
        return np.where(np.isfinite(e), e, np.inf)

    def score(self, forecast: np.ndarray) -> float:
        """Mean MASE over the origins."""
        return float(np.mean(self.errors(forecast)))


@dataclass(frozen=True)
class Combination:
    """Weights learned on the cross-validation origins, and the scores they were learned from."""

    weights: dict[str, float]  # candidate -> weight; they sum to 1
    scores: dict[str, float]  # each candidate's cross-validated MASE, and "combination"'s
    origins: list[int] = field(default_factory=list)  # the row index of each origin used

    def apply(self, forecasts: dict[str, np.ndarray]) -> np.ndarray:
        """The weighted forecast from each member's forecast (same shapes)."""
        return sum(w * np.asarray(forecasts[k], np.float64) for k, w in self.weights.items())

    @property
    def best(self) -> str:
        """The member with the largest weight (the first on a tie)."""
        return max(self.weights, key=lambda k: self.weights[k])


def learn_combination(
    folds: Folds,
    forecasts: dict[str, np.ndarray],
    trim: float = TRIM,
    max_members: int = MAX_MEMBERS,
) -> Combination:
    """Weights over `forecasts` ({candidate: (K, h, T)} at the folds' origins) from the folds
    alone: candidates within `trim` of the best mean MASE, at most `max_members`, weighted by
    1 / MASE. `trim` 1 keeps only the best (a selection)."""
    if not forecasts:
        raise ValueError("nothing to combine: no candidate forecasts")
    scores = {k: folds.score(np.asarray(v, np.float64)) for k, v in forecasts.items()}
    ranked = sorted(scores, key=lambda k: scores[k])  # stable: the caller's order breaks ties
    best = scores[ranked[0]]
    keep = [k for k in ranked[:max_members] if scores[k] <= trim * best] or ranked[:1]
    inv = {k: 1.0 / max(scores[k], 1e-12) if np.isfinite(best) else 1.0 for k in keep}
    total = sum(inv.values())
    weights = {k: v / total for k, v in inv.items()}
    mixed = sum(w * np.asarray(forecasts[k], np.float64) for k, w in weights.items())
    scores["combination"] = folds.score(mixed)
    return Combination(weights, scores, [int(o) for o in folds.origins])
