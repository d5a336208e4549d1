"""lstm-tutor's Python API: `forecast(df, id=..., date=..., target=..., horizon=...)`.

    import lstm_tutor
    fc = lstm_tutor.forecast(df, id="store", date="day", target="sales", horizon=12)

A DataFrame in, a DataFrame of forecasts out; see engine.api for every option. Importing it
loads pandas, not torch (torch is loaded by the first forecast).
"""

from engine.api import forecast, forecast_result

__all__ = ["forecast", "forecast_result"]
