"""Forecast checkpoints: the metadata a saved model needs, saving it, and loading it back."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from engine.forecast.config import ForecastConfig, ForecastError
from engine.forecast.prepare import Prepared
from engine.forecast.result import iso

FORMAT = "lstm-tutor-forecast"
FORMAT_VERSION = 1


def metadata(config: ForecastConfig, prep: Prepared, model_cfg: dict) -> dict[str, Any]:
    """Everything needed to forecast again with the model: columns, scalers, window, ..."""
    import numpy
    import torch

    s = prep.series
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_config": model_cfg,
        "strategy": config.strategy,
        "window": config.window,
        "horizon": config.horizon,
        "targets": list(s.targets),
        "covariates": list(s.covariates),
        "covariate_spec": prep.spec.to_dict(),
        "target_scaler": prep.target_scaler.to_dict(),
        "scaling": config.scaling,
        "calendar": config.calendar,
        "freq": s.freq,
        "date_column": s.date_column,
        "season": prep.season,
        "last_date": iso(s.dates[-1]),
        "versions": {
            "torch": torch.__version__,
            "numpy": numpy.__version__,
            "pandas": pd.__version__,
        },
    }


def apply_checkpoint(config: ForecastConfig) -> tuple[ForecastConfig, list[Any], dict]:
    """The models (one, or an ensemble's members) and metadata from config.load, and the config
    updated to match the checkpoint."""
    from engine import checkpoint as ckpt  # torch: imported only when a checkpoint is used

    try:
        models, meta = ckpt.load_members(config.load, check=_metadata_problems)
    except ckpt.CheckpointError as e:
        raise ForecastError(str(e)) from None
    except (OSError, KeyError) as e:
        raise ForecastError(f"cannot load checkpoint {config.load}: {e}") from None
    if meta.get("format") != FORMAT:
        raise ForecastError(
            f"{config.load} is not a forecast checkpoint (format {meta.get('format')!r}); "
            "save one with `save`"
        )
    modes = meta.get("members") or [meta.get("inputs", "global")]
    if len(modes) != len(models):
        raise ForecastError(
            f"{config.load} lists {len(modes)} ensemble member(s) in its metadata but holds "
            f"{len(models)} network(s); save the model again"
        )
    given = list(config.targets or [])
    if given and given != list(meta["targets"]):
        raise ForecastError(
            f"`targets` {' '.join(given)}: the checkpoint forecasts {', '.join(meta['targets'])} "
            "(a checkpoint predicts what it was trained on); drop `targets`, or train a new model"
        )
    updates = {
        "strategy": meta["strategy"],
        "window": int(meta["window"]),
        "horizon": int(meta["horizon"]),
        "targets": list(meta["targets"]),
        "covariates": list(meta["covariates"]),
        "scaling": meta["scaling"],
        "calendar": bool(meta["calendar"]),
        "model": meta["model_config"]["kind"],
        "season": int(meta["season"]),
    }
    if config.data is not None and config.date is None:
        updates["date"] = meta.get("date_column")
    return dataclasses.replace(config, **updates), models, meta


def _metadata_problems(meta: dict) -> list[str]:
    """The checkpoint's own schema (engine.checkpoint_schema), checked before a model is built."""
    from engine.checkpoint_schema import check_forecast_metadata

    if meta.get("format") != FORMAT:
        return []  # reported below as "not a forecast checkpoint"
    return check_forecast_metadata(meta)


def save(path, models: list, meta) -> None:
    """Write the checkpoint (atomically): the network, or every member of an ensemble;
    ForecastError with the reason when it cannot be."""
    from engine import checkpoint as ckpt

    try:
        ckpt.save(path, list(models), meta)
    except ckpt.CheckpointError as e:
        raise ForecastError(str(e)) from None
    except OSError as e:
        raise ForecastError(f"cannot write checkpoint {path}: {e.strerror or e}") from None
