"""`lstm-tutor forecast`: train a model on a CSV (or a built-in series) and forecast headlessly.

command (the click command: usage checks, the run) · options (the options, declared once, and
their ForecastConfig fields) · report (table, CSV, JSON, files) · backtest (--backtest N) ·
progress (the bar on stderr). Nothing here imports torch or pandas at import time.
"""

from tutor.cli_forecast.command import EPILOG, forecast
from tutor.cli_forecast.options import flags

__all__ = ["EPILOG", "flags", "forecast"]
