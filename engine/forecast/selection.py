"""Score and choose: the candidates and the baselines on the holdout, the best network (alone or
averaged with a baseline, choice.py), and whether a baseline forecasts instead (fallback)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.forecast import defaults
from engine.forecast.candidates import Candidate
from engine.forecast.choice import Pick, choose_network
from engine.forecast.networks import Network
from engine.forecast.saved_holdout import SavedHoldout
from engine.forecast.scoring import BASELINE_TITLES, REPORTED, baselines, best_baseline, error_of
from engine.forecast.scoring import score as score_all
from engine.forecast.setting import Setting

Metrics = dict[str, dict[str, float | None]]


@dataclass(frozen=True)
class Scores:
    """The holdout's figures: the chosen network ("model") beside the baselines."""

    metrics: Metrics  # model, naive, seasonal_naive
    other: Metrics  # the other baselines (drift, seasonal drift): they compete, reported apart
    by_target: dict[str, Metrics]
    frame: pd.DataFrame  # date, <t>_actual, <t>_predicted, <t>_naive, <t>_seasonal_naive
    base: dict[str, np.ndarray]  # each baseline's holdout forecasts (M, h, T)


@dataclass(frozen=True)
class Selection:
    """What the holdout chose."""

    pick: Pick  # the best network candidate, and the baseline averaged with it, if any
    members: tuple[Network, ...]  # that candidate's networks
    chosen: str  # "model" (the pick forecasts) or the baseline that forecasts instead
    scores: Scores


def combine_with(s: Setting, meta: dict | None, warnings: list[str]) -> bool | str:
    """Whether the pick may be averaged with a baseline: decided on the holdout (True), never
    (False: --no-fallback), or the baseline a loaded checkpoint was saved with."""
    if meta is None:
        return s.config.fallback  # --no-fallback: the network's own forecast, not averaged either
    combine = meta.get("combined_with") or False
    if combine and combine not in baselines(s.prep, s.hold, s.h):
        warnings.append(
            f"the checkpoint averages its network with {BASELINE_TITLES[combine]}, which "
            "this data is too short for: the forecast is the network's alone"
        )
        return False
    return combine


def select(
    s: Setting,
    candidates: list[Candidate],
    combine: bool | str,
    warnings: list[str],
    saved: SavedHoldout | None = None,
) -> Selection:
    """The best candidate on the holdout, scored beside the baselines; warnings say when a
    baseline did better (and, with fallback, forecasts instead). `saved`: a checkpoint's own
    holdout figures, which then decide (its networks were retrained on this holdout)."""
    base = baselines(s.prep, s.hold, s.h)
    trial = {c.name: c.holdout for c in candidates}
    pick = choose_network(s.prep, s.hold, s.h, trial, base, combine)
    members = next((c.members for c in candidates if c.name == pick.network), ())
    scores = score(s, pick, base, warnings)
    if saved is not None:
        scores = dataclasses.replace(
            scores, metrics=saved.metrics, other=saved.other, by_target=saved.by_target
        )
    chosen = _verdict(s, scores, warnings)
    return Selection(pick, members, chosen, scores)


def score(s: Setting, pick: Pick, base: dict[str, np.ndarray], warnings: list[str]) -> Scores:
    """The pick ("model") and the baselines on the holdout; a series too short for a network
    has a blank model row (a baseline forecasts)."""
    metrics, by_target, frame = score_all(
        s.prep, s.hold, s.h, {"model": pick.holdout, **base}, warnings
    )
    # drift competes in the choice and is reported apart (`metrics` keeps its three methods)
    other = {k: metrics.pop(k) for k in list(metrics) if k not in ("model", *REPORTED)}
    for t in by_target:
        for k in other:
            by_target[t].pop(k, None)
    frame = frame[[c for c in frame.columns if not c.endswith("_drift")]]
    if s.short:
        metrics["model"] = {k: None for k in metrics["model"]}
        for t in by_target:
            by_target[t]["model"] = {k: None for k in by_target[t]["model"]}
    return Scores(metrics, other, by_target, frame, base)


def _verdict(s: Setting, scores: Scores, warnings: list[str]) -> str:
    """ "model", or the best baseline when it beat the network and fallback is on (or the series
    is too short for a network)."""
    config = s.config
    every = {**scores.metrics, **scores.other}
    rival = best_baseline(every)
    model, rival_m = scores.metrics["model"], every[rival]
    lost = error_of(rival_m) < error_of(model)
    chosen = rival if (lost and config.fallback) or s.short else "model"
    if s.short:
        need = 2 * config.horizon + defaults.MIN_WINDOWS + 1
        warnings.append(
            f"the series has {len(s.series.frame)} rows, too few to train and check a network "
            f"for horizon {config.horizon} (about {need} needed): the forecast is "
            f"{BASELINE_TITLES[rival]}'s, the better baseline on the last "
            f"{s.rows - s.prep.n_train} rows"
        )
    elif lost:
        m_key = "MASE" if model.get("mase") is not None else "MAE"
        k = m_key.lower()
        what = (
            f"the {config.model} ({config.strategy}) network lost to {BASELINE_TITLES[rival]} "
            f"on the holdout ({m_key} {model[k]:.3g} against {rival_m[k]:.3g})"
        )
        if chosen == rival:
            warnings.append(f"{what}: the forecast is {BASELINE_TITLES[rival]}'s (fallback)")
        else:
            warnings.append(f"{what}; the forecast is still the network's (no fallback)")
    return chosen
