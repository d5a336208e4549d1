"""The learner's app settings (today: the theme), kept between runs in the user config dir.

A settings file is a convenience: one that cannot be read or written is ignored, never an
error. LSTM_TUTOR_CONFIG_DIR overrides the folder; without it, a LSTM_TUTOR_DATA_DIR (tests,
one browser visitor of `lstm-tutor serve`) keeps its settings beside its progress.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ENV_DIR = "LSTM_TUTOR_CONFIG_DIR"


def settings_path() -> Path:
    folder = os.environ.get(ENV_DIR) or os.environ.get("LSTM_TUTOR_DATA_DIR")
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir("lstm-tutor", appauthor=False)
    return Path(folder) / "settings.json"


def load() -> dict:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**changes: object) -> None:
    """Merge `changes` into the settings file (written atomically: temp file + replace)."""
    path = settings_path()
    data = {**load(), **changes}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # the theme is not worth an error message
