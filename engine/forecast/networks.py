"""The network stages: fit one network per input mode and seed, or take a checkpoint's; refit the
chosen ones on every row; forecast the steps after the data with them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.events import RunPlan
from engine.forecast.config import ForecastError
from engine.forecast.inputs import available_modes
from engine.forecast.result import Retrained
from engine.forecast.setting import Loaded, Setting
from engine.forecast.strategies import predict, train, train_horizon
from engine.limits import MAX_SEED
from engine.stationarity import level_is_stationary
from engine.windows import origins_between


@dataclass(frozen=True)
class Network:
    """One trained (or loaded) network and its forecasts on the holdout."""

    mode: str  # level | seasonal | global: how its windows are normalized (inputs.py)
    model: Any
    fit: Any  # engine.train.FitResult; None when loaded
    holdout: np.ndarray  # (M, h, T) in data units
    seed: int = 0


@dataclass(frozen=True)
class Refit:
    """The chosen networks trained again on every row, for the epochs their first fit found
    best (so the newest data is not thrown away)."""

    models: tuple[Any, ...]
    run: Retrained  # epochs per network, rows, seconds


def loaded_networks(s: Setting, loaded: Loaded) -> list[Network]:
    """A checkpoint's networks, scored on this data's holdout."""
    return [
        Network(mode, model, None, s.holdout_of(mode, model))
        for mode, model in zip(loaded.modes, loaded.models, strict=True)
    ]


def input_modes(s: Setting) -> list[str]:
    """The input modes to train: config.inputs, or for "auto" those that fit the series."""
    config, prep = s.config, s.prep
    if config.inputs == "seasonal" and "seasonal" not in available_modes(
        config.window, prep.season, config.strategy
    ):
        raise ForecastError(
            f"inputs 'seasonal' needs a season longer than 1 (this data's is "
            f"{prep.season}), a window of at least one season and a strategy other than "
            "recursive"
        )
    if config.inputs != "auto":
        return [config.inputs]
    stationary = level_is_stationary(prep.y_raw[: prep.n_train])
    return available_modes(config.window, prep.season, config.strategy, stationary)


def fit_networks(
    s: Setting,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Network]:
    """`seeds` networks per input mode, each trained on the rows before the holdout (none for a
    series too short); a cancel keeps the networks trained so far."""
    config, prep = s.config, s.prep
    modes = input_modes(s)
    if s.short:
        return []
    steps = train_horizon(config)
    origins = origins_between(0, prep.n_train, config.window, steps, s.rows)
    networks: list[Network] = []
    if on_event is not None:
        on_event(RunPlan(config.model, "fit", len(modes) * (config.seeds or 1)))

    def stopped() -> bool:
        return bool(networks) and should_stop is not None and should_stop()

    for mode in modes:
        if stopped():
            break
        windows = s.framed(mode, origins, steps).win
        for k in range(config.seeds or 1):
            if stopped():
                break
            seed = (config.seed + k) % (MAX_SEED + 1)  # the seed's range wraps
            cfg = dataclasses.replace(config, seed=seed)
            net, fr = train(
                cfg, windows, prep.y_raw.shape[1], prep.spec.size, on_event, should_stop
            )
            networks.append(Network(mode, net, fr, s.holdout_of(mode, net), seed))
    return networks


def refit(
    s: Setting,
    members: list[Network],
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Refit | None:
    """`members` trained again on every row; None when a refit was cancelled (the validated
    networks are better than a half-trained refit)."""
    config, prep = s.config, s.prep
    steps = train_horizon(config)
    origins = origins_between(0, s.rows, config.window, steps, s.rows)
    done = []
    if on_event is not None:
        on_event(RunPlan(config.model, "refit", len(members)))
    for n in members:
        epochs = max(1, int(n.fit.best_epoch or n.fit.epochs_run or 1))
        net, fr = train(
            dataclasses.replace(config, seed=n.seed),
            s.framed(n.mode, origins, steps).win, prep.y_raw.shape[1], prep.spec.size,
            on_event, should_stop, epochs=epochs, validate=False,
        )  # fmt: skip
        if fr.reason == "cancelled":
            return None
        done.append((net, epochs, fr.seconds))
    run = Retrained(tuple(e for _, e, _ in done), s.rows, sum(sec for _, _, sec in done))
    return Refit(tuple(net for net, _, _ in done), run)


def forecast_ahead(s: Setting, members: list[Network], models: list[Any]) -> np.ndarray:
    """The networks' average forecast (1, h, T) of the steps after the data, in data units."""
    outs = []
    for n, net in zip(members, models, strict=True):
        f = s.framed(n.mode, s.last, s.h)
        outs.append(f.to_data(predict(net, s.config.strategy, s.h, f.win.x_past, s.x_future)))
    return np.mean(outs, axis=0)
