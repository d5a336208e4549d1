"""Classical candidates a practitioner trusts: exponential smoothing and Theta (statsforecast).

- "ets": statsforecast's AutoETS, Hyndman's automatic ETS: error (additive or multiplicative),
  trend (none, additive, additive damped) and season (none, additive, multiplicative) chosen by
  AICc. A damped trend is what tracks a slowing or flattening series; the level and season
  adapt after a break, where seasonal naive repeats the old level.
- "theta": statsforecast's AutoTheta: the M3 winner's Theta method (and its optimized and
  dynamic variants, chosen by in-sample MSE) after a seasonality test and decomposition.

Why statsforecast and not statsmodels (bench figures, AirPassengers, one AutoETS-like choice
over 15 error/trend/season variants): statsforecast's AutoETS fits in ~0.1 s (C++ since 2.x;
no numba, so no first-call compile), statsmodels' ETSModel needs ~10 s for the same choice;
importing either costs ~2 s (statsforecast imports statsmodels itself). statsforecast adds
pyarrow (through fugue) to the installed weight. It is imported here, inside the functions, so
that `lstm-tutor --help` and `lessons` never load it.

Every candidate sees only the rows before each origin (the last MAX_HISTORY of them: an ETS fit
grows linearly with the rows, ~0.5 s per 1,000, and the far past adds little to a level and a
season). A fit that fails (a history shorter than the model needs) falls back to the same
model without a season, then to the last value.
"""

from __future__ import annotations

import warnings

import numpy as np

CLASSICAL = ("ets", "theta")
CLASSICAL_TITLES = {"ets": "exponential smoothing (AutoETS)", "theta": "Theta (AutoTheta)"}
MAX_HISTORY = 600
MIN_SEASONS = 2  # a seasonal fit needs at least two whole seasons of history


def classical_forecasts(
    y: np.ndarray,
    origins: np.ndarray,
    horizon: int,
    season: int,
    names: tuple[str, ...] = CLASSICAL,
) -> dict[str, np.ndarray]:
    """Each candidate's forecasts (M, horizon, T) at `origins` (the first forecast step of
    each), fitted afresh on y[:origin] alone: y (N, T) in data units."""
    y = np.asarray(y, np.float64)
    if y.ndim == 1:
        y = y[:, None]
    origins = np.asarray(origins, np.int64)
    out = {n: np.empty((len(origins), horizon, y.shape[1])) for n in names}
    for i, o in enumerate(origins):
        history = y[max(0, int(o) - MAX_HISTORY) : int(o)]
        for name in names:
            for k in range(y.shape[1]):
                out[name][i, :, k] = fit_forecast(name, history[:, k], horizon, season)
    return out


def fit_forecast(name: str, history: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """One candidate fitted on `history` (1-D): its `horizon` next values."""
    if name not in CLASSICAL:
        known = ", ".join(CLASSICAL)
        raise ValueError(f"unknown classical candidate {name!r}; choose from {known}")
    if len(history) == 0:
        raise ValueError("a classical forecast needs at least one value of history")
    seasons = [season] if season > 1 and len(history) >= MIN_SEASONS * season else []
    for m in [*seasons, 1]:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                mean = _model(name, m).forecast(y=history, h=horizon)["mean"]
        except Exception:  # noqa: BLE001 - statsforecast raises several kinds on short data
            continue
        mean = np.asarray(mean, np.float64)
        if mean.shape == (horizon,) and np.isfinite(mean).all():
            return mean
    return np.repeat(history[-1], horizon)


def _model(name: str, season: int):
    from statsforecast.models import AutoETS, AutoTheta

    return (AutoETS if name == "ets" else AutoTheta)(season_length=season)
