"""A panel forecast: the stages of a single series' run, over many series at once.

1. settle: one window and network size for the panel (shrunk when a quarter of the series
   could not give training windows), then the single-series `settle` stage on each series (its
   own holdout, split, scale floor, forecast dates);
2. fit: one global network per input mode (level, seasonal) and seed, trained on windows drawn
   uniformly over the series that are long enough (engine.panel.sampling) -- the one stage that
   is batched instead of looped;
3. select: on each series' own holdout, the networks' forecasts of that series are its
   candidates, and the single-series `select` stage chooses among them and its baselines (the
   fallback and its warning); a series too short for the network gets the best baseline, with
   a warning, never a failure;
4. refit the networks on every row, forecast the steps after each series (one batch), and
   `calibrate` each series' intervals on its own holdout errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.baselines import season_length
from engine.data import future_dates
from engine.forecast import defaults
from engine.forecast.config import ForecastConfig, ForecastError, checked
from engine.forecast.inputs import available_modes
from engine.forecast.networks import Network
from engine.forecast.scoring import baselines
from engine.forecast.setting import Setting
from engine.forecast.setting import settle as settle_series
from engine.forecast.strategies import predict, train_horizon
from engine.limits import MAX_SEED
from engine.panel.choice import SeriesChoice, bands, choose_series
from engine.panel.result import PanelResult, SeriesForecast
from engine.panel.sampling import PanelArrays, WindowSampler, stack, trainable
from engine.panel.tables import PanelData, load_panel
from engine.table_input import DataError


@dataclass
class PanelConfig:
    """A panel run: the forecast settings (shared by every series) and how to read the table."""

    forecast: ForecastConfig
    id: str | None = None  # the id column of a long table (None: `unique_id` if present)
    wide: bool = False  # one series per target column of a wide table
    per_series: int | None = None  # windows drawn from each series per epoch (None: by size)


@dataclass
class _Plan:
    config: ForecastConfig  # window, hidden, batch size and seeds resolved for the panel
    keys: list
    settings: list[Setting | None]  # each series' settled stage; None: too few rows (naive)
    net: np.ndarray  # (S,) bool: trains on and may be forecast by the network
    arrays: PanelArrays
    freq: str | None
    notes: list[str]
    warnings: list[str]


@dataclass
class _Network:
    """A global network: trained on every series' windows."""

    mode: str
    seed: int
    model: Any
    fit: Any


def run_panel(
    config: PanelConfig,
    panel: PanelData | None = None,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PanelResult:
    """Forecast every series of a panel (read from config.forecast.data unless given)."""
    if config.forecast.load is not None or config.forecast.save is not None:
        raise ForecastError("a panel run cannot `save` or `load` a checkpoint yet")
    config, panel = checked_panel(config, panel)
    cfg = config.forecast
    if cfg.covariates:
        raise ForecastError("a panel run does not take covariates yet")
    plan = _plan(cfg, panel)
    networks = _fit_networks(plan, config.per_series, on_event, should_stop)
    trials = _holdout_trials(plan, networks)
    label = f"{cfg.model} ({cfg.strategy}, global)"
    choices = [
        choose_series(k, st, trial) if st is not None else None
        for k, st, trial in zip(plan.keys, plan.settings, trials, strict=True)
    ]
    cancelled = any(n.fit.reason == "cancelled" for n in networks)
    finals = networks
    if cfg.refit and networks and not cancelled:
        finals = _refit(plan, networks, config.per_series, on_event, should_stop) or networks
    series = _forecast_ahead(plan, panel, finals, choices)
    training = {
        "networks": [
            {"inputs": n.mode, "seed": n.seed, "epochs_run": n.fit.epochs_run,
             "best_epoch": n.fit.best_epoch, "reason": n.fit.reason, "seconds": n.fit.seconds}
            for n in networks
        ],
        "refit": finals is not networks,
        "seconds": sum(n.fit.seconds for n in networks)
        + (sum(n.fit.seconds for n in finals) if finals is not networks else 0.0),
    }  # fmt: skip
    return PanelResult(
        series=series, label=label, horizon=cfg.horizon, intervals=list(cfg.intervals),
        window=plan.config.window, season=plan.arrays.season, id_column=panel.id_column,
        target=panel.target, date_column=panel.date_column,
        warnings=list(dict.fromkeys(panel.warnings + plan.warnings)), notes=plan.notes,
        training=training,
    )  # fmt: skip


def checked_panel(config: PanelConfig, panel: PanelData | None) -> tuple[PanelConfig, PanelData]:
    """The panel (read unless given) and the config checked, its horizon by the panel's
    frequency when none is given (as a single series' run chooses it)."""
    if panel is None:
        panel = read_panel(config)
    cfg = config.forecast
    if cfg.horizon is None:
        cfg = dataclasses.replace(cfg, horizon=defaults.default_horizon(panel.freq))
    return dataclasses.replace(config, forecast=checked(cfg)), panel


def read_panel(config: PanelConfig) -> PanelData:
    """The panel config.forecast.data holds, read as the config says."""
    cfg = config.forecast
    return load_panel(
        cfg.data, id=config.id, date=cfg.date, targets=cfg.targets or None,
        covariates=cfg.covariates or (), fill=cfg.fill, wide=config.wide,
        reading=cfg.reading(), max_fill=cfg.max_fill,
    )  # fmt: skip


# --- 1. plan ---------------------------------------------------------------------------------


def _holdouts(cfg: ForecastConfig, panel: PanelData, season: int):
    """Each series' test rows (None: too few for any) and whether it is short for a network,
    as a single series' defaults decide; warnings for the series too short to score."""
    tests, warnings = [], []
    for k, s in panel.series.items():
        try:
            resolved, _, short = defaults.resolve(dataclasses.replace(cfg, window=None),
                                                  len(s.frame), season)  # fmt: skip
            tests.append((resolved.test_size, short))
        except DataError:
            tests.append((None, True))
            warnings.append(
                f"series {k!r} has {len(s.frame)} row(s), too few for any holdout at horizon "
                f"{cfg.horizon}: its forecast repeats its last value (naive), unscored"
            )
    lengths = np.array([len(s.frame) for s in panel.series.values()], np.int64)
    n_train = np.array([n - (t or n) for n, (t, _) in zip(lengths, tests, strict=True)])
    short = np.array([sh for _, sh in tests], bool)
    return [t for t, _ in tests], n_train, short, warnings


def settle(cfg: ForecastConfig, panel: PanelData) -> tuple[ForecastConfig, list[str]]:
    """The config with the panel's window, hidden units, batch size and seeds filled in (from
    every series, so that partitions of the panel share them), and notes on what was chosen."""
    season = season_length(panel.freq, cfg.season)
    _, n_train, short, _ = _holdouts(cfg, panel, season)
    window, notes = _panel_window(cfg, season, n_train, short)
    net = _eligible(n_train, window, cfg) & ~short
    windows = int(np.maximum(n_train[net] - train_horizon(cfg) - window + 1, 0).sum())
    hidden = cfg.hidden or (32 if windows >= 400 else 16 if windows >= 60 else 8)
    settled = dataclasses.replace(
        cfg, window=window, hidden=hidden, batch_size=cfg.batch_size or 128, seeds=cfg.seeds or 1
    )
    return settled, notes


def _eligible(n_train: np.ndarray, window: int, cfg: ForecastConfig) -> np.ndarray:
    """Series whose training rows give the network two windows or more (as engine.data's
    check_length asks of one series)."""
    return trainable(n_train, window, cfg.horizon)


def _plan(cfg: ForecastConfig, panel: PanelData) -> _Plan:
    season = season_length(panel.freq, cfg.season)
    cfg, notes = settle(cfg, panel)
    tests, n_train, short, warnings = _holdouts(cfg, panel, season)
    net = _eligible(n_train, cfg.window, cfg) & ~short
    settings: list[Setting | None] = []
    for i, ((k, s), test) in enumerate(zip(panel.series.items(), tests, strict=True)):
        st = None
        if test is not None:
            c = dataclasses.replace(cfg, test_size=test, window=cfg.window if net[i] else None)
            try:
                st = settle_series(c, s)
            except DataError as e:
                warnings.append(f"series {k!r}: {e}; its forecast repeats its last value")
        if st is not None and not net[i]:
            st = dataclasses.replace(st, short=True)
            warnings.append(
                f"series {k!r} has {len(s.frame)} rows, too few for the panel's window "
                f"{cfg.window} and horizon {cfg.horizon}: its forecast is the best baseline on "
                f"its last {test} rows"
            )
        net[i] = net[i] and st is not None
        settings.append(st)
    values = [s.frame[s.targets[0]].to_numpy(np.float64) for s in panel.series.values()]
    arrays = stack(values, list(n_train), cfg.horizon, season)
    return _Plan(cfg, list(panel.series), settings, net, arrays, panel.freq, notes, warnings)


def _panel_window(cfg, season, n_train, short) -> tuple[int, list[str]]:
    """The window every series' windows share: the config's, or a single series' default,
    shrunk when more than a quarter of the series could not give one training window."""
    if cfg.window is not None:
        return cfg.window, []
    window = defaults.auto_window(season, cfg.horizon)
    fits = n_train[~np.asarray(short, bool)] - cfg.horizon  # the largest window each allows
    if len(fits) and np.quantile(fits, 0.25) < window:
        shrunk = max(2, int(np.quantile(fits, 0.25)))
        if shrunk < window:
            return shrunk, [f"short series: the panel's window shrunk to {shrunk}"]
    return window, []


# --- 2. fit ----------------------------------------------------------------------------------


def _modes(cfg: ForecastConfig, season: int) -> list[str]:
    if cfg.inputs == "global":
        raise ForecastError(
            "inputs 'global' scales every series by one scaler: a panel's series each need "
            "their own; use level, seasonal or auto"
        )
    if cfg.inputs != "auto":
        return [cfg.inputs]
    return available_modes(cfg.window, season, cfg.strategy, stationary=False)


def per_series_draw(n_series: int, per_series: int | None, typical: int = 256) -> int:
    """Windows drawn from each series per epoch: ~8,192 an epoch in all, at least 8 from each
    and at most `typical` (the median series' own count of training windows), so a panel of two
    long series still gets long epochs and one of many short series is not resampled to death."""
    if per_series is not None:
        return per_series
    return int(min(max(8, typical), max(8, -(-8192 // max(1, n_series)))))


def _sampler(plan: _Plan, per_series: int | None, *, all_rows: bool) -> WindowSampler:
    idx = np.flatnonzero(plan.net)
    reach = (plan.arrays.lengths if all_rows else plan.arrays.n_train)[idx]
    typical = int(
        np.median(plan.arrays.n_train[idx] - plan.config.horizon - plan.config.window + 1)
    )
    k = per_series_draw(len(idx), per_series, typical)
    return WindowSampler(plan.arrays, idx, reach, plan.config.window, train_horizon(plan.config),
                         k, validate=not all_rows)  # fmt: skip


def _fit_networks(plan, per_series, on_event, should_stop) -> list[_Network]:
    from engine.panel.training import epochs_for, fit_global

    cfg = plan.config
    if not plan.net.any():
        return []
    sampler = _sampler(plan, per_series, all_rows=False)
    epochs = cfg.epochs or epochs_for(sampler, cfg.batch_size)
    networks = []
    for mode in _modes(cfg, plan.arrays.season):
        for k in range(cfg.seeds):
            if networks and should_stop is not None and should_stop():
                return networks
            seed = (cfg.seed + k) % (MAX_SEED + 1)
            c = dataclasses.replace(cfg, seed=seed)
            model, fit = fit_global(c, sampler, mode, epochs=epochs, on_event=on_event,
                                    should_stop=should_stop)  # fmt: skip
            networks.append(_Network(mode, seed, model, fit))
    return networks


def _refit(plan, networks, per_series, on_event, should_stop) -> list[_Network] | None:
    """Every network trained again on all rows for the epochs its first fit found best."""
    from engine.panel.training import fit_global

    sampler = _sampler(plan, per_series, all_rows=True)
    out = []
    for n in networks:
        c = dataclasses.replace(plan.config, seed=n.seed)
        epochs = max(1, int(n.fit.best_epoch or n.fit.epochs_run or 1))
        model, fit = fit_global(c, sampler, n.mode, epochs=epochs, on_event=on_event,
                                should_stop=should_stop)  # fmt: skip
        if fit.reason == "cancelled":
            return None  # a cancelled refit is worse than the validated networks
        out.append(_Network(n.mode, n.seed, model, fit))
    return out


# --- 3. the networks on each holdout, and ahead ----------------------------------------------


def _predict_at(plan: _Plan, n: _Network, series: np.ndarray, local: np.ndarray) -> np.ndarray:
    """One network's forecasts (M, h, 1) in data units, all series in one batch."""
    cfg = plan.config
    framed = plan.arrays.frame(series, local, cfg.window, cfg.horizon, n.mode)
    out = predict(n.model, cfg.strategy, cfg.horizon, framed.win.x_past, None)
    return framed.to_data(out)


def _holdout_trials(plan: _Plan, networks: list[_Network]) -> list[list[Network]]:
    """Per series: the global networks as the single-series stages know them (Network), each
    holding its forecasts (M, h, 1) of that series' holdout; none off the network."""
    idx = np.flatnonzero(plan.net)
    trials: list[list[Network]] = [[] for _ in plan.keys]
    if not networks or not len(idx):
        return trials
    holds = [plan.settings[i].hold for i in idx]
    counts = np.array([len(h) for h in holds])
    series, local = np.repeat(idx, counts), np.concatenate(holds)
    every = [_predict_at(plan, n, series, local) for n in networks]
    bounds = np.concatenate([[0], np.cumsum(counts)])
    for j, i in enumerate(idx):
        trials[i] = [
            Network(n.mode, n.model, n.fit, v[bounds[j] : bounds[j + 1]], n.seed)
            for n, v in zip(networks, every, strict=True)
        ]
    return trials


def _forecast_ahead(plan, panel, networks, choices) -> list[SeriesForecast]:
    """Every series' forecast after its last date (the networks' in one batch), with its
    intervals."""
    idx = np.flatnonzero(plan.net)
    ahead: dict[int, dict[tuple, np.ndarray]] = {}
    if networks and len(idx):
        outs = [_predict_at(plan, n, idx, plan.arrays.lengths[idx]) for n in networks]
        ahead = {i: {(n.mode, n.seed): o[j] for n, o in zip(networks, outs, strict=True)}
                 for j, i in enumerate(idx)}  # fmt: skip
    out = []
    for i, (key, s) in enumerate(panel.series.items()):
        st, choice = plan.settings[i], choices[i]
        if st is None:
            y = np.full(plan.config.horizon, s.frame[s.targets[0]].to_numpy()[-1], float)
            dates = future_dates(s.dates, plan.freq or s.freq, plan.config.horizon)
            out.append(SeriesForecast(key, dates, y, {}, None))
            continue
        values = _values(st, choice, ahead.get(i, {}))
        out.append(SeriesForecast(key, st.dates, values, bands(st, choice, values), choice))
    return out


def _values(st: Setting, choice: SeriesChoice, ahead: dict[tuple, np.ndarray]) -> np.ndarray:
    """(h,): the chosen networks' forecast (averaged with a baseline when that won), or the
    baseline's, as run._ahead does for one series."""
    sel = choice.selection
    last = baselines(st.prep, st.last, st.h)
    if sel.chosen != "model":
        return last[sel.chosen][0, :, 0]
    network = np.mean([ahead[(n.mode, n.seed)] for n in sel.members], axis=0)[None]
    return sel.pick.forecast(network, last)[0, :, 0]
