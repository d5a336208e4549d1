"""The forecasting pipeline: data -> windows -> model -> holdout metrics and the next steps.

UI-free: the CLI, the app's forecast view and the lessons' run steps all call `run_forecast`
and listen to the trainer's events. Every number in a result is in the data's own units (the
scalers, fitted on the training part only, are inverted before anything is reported).

The run (run.py) is a list of stages, each a function of frozen dataclasses in its own module:
    setting      settle: the config's automatic settings, the split, the holdout's origins,
                 the forecast's dates and known-future covariates -> Setting (Loaded: --load)
    networks     fit (one network per input mode and seed) or load them; refit; forecast ahead
    candidates   what the holdout chooses among (Candidate): each mode's networks, the ensemble
    selection    score and choose: candidates beside the baselines -> Selection, Scores
    intervals    calibrate the intervals on the chosen forecaster's holdout errors
    saved_holdout  what a checkpoint keeps of its holdout, so a load reports the saved figures
    result       ForecastResult, Choice, Training, the forecast frame, labels, the JSON shape
    run          run_forecast, run_series (one series through every stage), forecast_from_checkpoint
and beside them:
    config       ForecastConfig, validate_config, ForecastError
    builtin      what the built-in data sets (transit, sine) imply, in one place
    prepare      load and cut the series, split, scale, encode covariates (also after the end)
    inputs       how each window is normalized (level, seasonal, global)
    strategies   the network per strategy (direct, recursive, seq2seq), training, predictions
    choice       the best network, alone or averaged with a baseline
    scoring      holdout metrics beside the naive baselines, conformal quantiles
    persistence  checkpoint metadata, save, load
Known-future covariates (day type, numeric columns, calendar features) describe the step they sit
on: a window's inputs carry each past day's covariates, and the covariates of the days being
forecast go to the model as x_future.
"""

from engine.forecast.config import ForecastConfig, ForecastError, validate_config
from engine.forecast.prepare import load_data
from engine.forecast.result import ForecastResult
from engine.forecast.run import forecast_from_checkpoint, run_forecast

__all__ = [
    "ForecastConfig",
    "ForecastError",
    "ForecastResult",
    "forecast_from_checkpoint",
    "load_data",
    "run_forecast",
    "validate_config",
]
