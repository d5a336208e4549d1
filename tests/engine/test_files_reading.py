"""Files as practitioners have them (issue 18): date orders, separators, frequencies and the
limit on what `fill` may invent, checked on the engine's reader directly."""

from __future__ import annotations

import io
import warnings

import pandas as pd
import pytest

from engine.baselines import season_length, seasonal_periods
from engine.data import load_series
from engine.dates import infer_frequency
from engine.forecast.defaults import default_horizon
from engine.future import future_dates
from engine.table_input import DataError, Reading, sniff_decimal, sniff_separator


def frame(dates, values=None) -> pd.DataFrame:
    values = values if values is not None else [float(i) for i in range(len(dates))]
    return pd.DataFrame({"date": dates, "y": values})


def test_one_column_is_never_read_both_ways():
    # 05/06 and 13/06 in one column: both are June (day-first), never May 6 and June 13
    dates = [f"{d:02d}/06/2020 10:00" for d in range(5, 20)]
    s = load_series(frame(dates))
    assert list(s.dates.month) == [6] * 15 and list(s.dates.day) == list(range(5, 20))


def test_all_days_twelve_or_less_is_asked_not_guessed():
    dates = [f"01/{m:02d}/1980" for m in range(1, 13)]
    with pytest.raises(DataError, match=r"day-first or month-first.*`dayfirst`.*`monthfirst`"):
        load_series(frame(dates))
    told = load_series(frame(dates), reading=Reading(dayfirst=True))
    assert told.freq == "MS" and told.dates[1] == pd.Timestamp("1980-02-01")
    assert load_series(frame(dates), reading=Reading(dayfirst=False)).dates[1].day == 2


def test_no_library_warning_reaches_the_user():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_series(frame(["Jan 1980", "Feb 1980", "Mar 1980"]))
        load_series(frame(["13/01/2020", "14/01/2020", "15/01/2020"]))


@pytest.mark.parametrize(
    ("dates", "first"),
    [
        (["Q1 1965", "Q2 1965", "Q3 1965", "Q4 1965"], "1965-01-01"),
        (["1965Q3", "1965Q4", "1966Q1", "1966Q2"], "1965-07-01"),
        ([1700.0, 1701.0, 1702.0, 1703.0], "1700-01-01"),
    ],
)
def test_quarters_and_float_years_are_dates(dates, first):
    s = load_series(pd.DataFrame({"year": dates, "y": [1.0, 2.0, 3.0, 4.0]}))
    assert s.dates[0] == pd.Timestamp(first)


def test_separator_and_decimal_comma_are_sniffed():
    text = "Datum;Umsatz\n01.02.2020;1.234,5\n01.03.2020;12,5\n01.04.2020;13,25\n"
    assert sniff_separator(text) == ";" and sniff_decimal(text, ";") == ","
    s = load_series(io.BytesIO(text.encode()))
    assert list(s.frame["Umsatz"]) == [1234.5, 12.5, 13.25]
    assert s.dates[0] == pd.Timestamp("2020-02-01")  # DD.MM.YYYY


@pytest.mark.parametrize(
    ("freq", "season", "horizon"),
    [("30min", 48, 48), ("h", 24, 24), ("D", 7, 14), ("B", 5, 10), ("W-SUN", 52, 13),
     ("MS", 12, 12), ("QS-OCT", 4, 8), ("YS-JAN", 1, 10), ("15min", 96, 96)],
)  # fmt: skip
def test_season_and_horizon_come_from_the_sampling_interval(freq, season, horizon):
    assert season_length(freq) == season
    assert default_horizon(freq) == horizon


def test_half_hours_have_a_day_and_a_week_of_seasons():
    assert seasonal_periods("30min") == [48, 336] and seasonal_periods("h") == [24, 168]


def test_business_days_forecast_on_business_days():
    days = pd.bdate_range("2024-01-01", periods=30)
    assert infer_frequency(days.delete([7, 12])) == "B"
    after = future_dates(days, "B", 3)
    assert all(d.day_of_week < 5 for d in after) and after[0] == pd.Timestamp("2024-02-12")


def test_fill_may_not_invent_most_of_the_series():
    dates = pd.date_range("2024-01-01", periods=100, freq="D")
    sparse = dates[[0, 1, *range(4, 100, 4), 99]]  # 27 of 100 days
    with pytest.raises(DataError, match=r"invent 73 of 100 rows \(73%\).*`max_fill` 20%"):
        load_series(frame(sparse), fill="ffill")
    assert len(load_series(frame(sparse), fill="ffill", max_fill=80).frame) == 100


def test_a_long_table_names_its_layout_and_the_id_option():
    dates = [str(d.date()) for d in pd.date_range("2024-01-01", periods=10)]
    df = pd.DataFrame({"unique_id": ["a"] * 10 + ["b"] * 10, "ds": dates * 2, "y": range(20)})
    with pytest.raises(DataError, match=r"long table.*'unique_id' names 2 series.*`id` unique_id"):
        load_series(df)


def test_messages_and_warnings_can_name_the_series():
    df = frame(["2024-01-01", "2024-01-02", "x"])
    with pytest.raises(DataError, match=r"^series 'A': column 'date'"):
        load_series(df, label="series 'A'")
    unsorted = frame(["2024-01-03", "2024-01-01", "2024-01-02"])
    assert load_series(unsorted, label="series 'A'").warnings[0].startswith("series 'A': ")


def test_one_offset_keeps_the_wall_clock_and_says_so():
    dates = [f"2024-01-01T{h:02d}:00:00+05:30" for h in range(6)]
    s = load_series(frame(dates))
    assert s.dates[0] == pd.Timestamp("2024-01-01 00:00") and s.freq == "h"
    assert any("one UTC offset (+05:30)" in w for w in s.warnings)


def test_hourly_daylight_saving_is_evenly_spaced_not_refused():
    local = pd.date_range("2024-10-26 20:00", periods=12, freq="h", tz="Europe/Berlin")
    s = load_series(frame([d.isoformat() for d in local]))
    assert s.freq == "h" and len(s.frame) == 12
    assert any("standard time (+01:00)" in w for w in s.warnings)


def test_a_countrys_holidays_are_inputs_known_into_the_future():
    from engine.covariates import CovariateSpec, calendar_features, fit_covariates

    dates = pd.date_range("2020-09-28", periods=10, freq="D")
    values, names = calendar_features(dates, "daily", "DE")
    flag = values[:, names.index("holiday_de")]
    assert list(dates[flag == 1]) == [pd.Timestamp("2020-10-03")]  # German Unity Day
    assert "us_holiday" not in names and "us_holiday" in calendar_features(dates, "daily")[1]
    frame = pd.DataFrame(index=dates)
    spec = fit_covariates(frame, [], 8, "daily", "standard", "DE")
    assert CovariateSpec.from_dict(spec.to_dict()).holidays == "DE"


def test_half_hours_get_calendar_inputs_of_their_own_time_of_day():
    from engine.covariates import calendar_features, calendar_kind

    assert calendar_kind("30min") == "hourly"
    dates = pd.date_range("2024-01-01", periods=4, freq="30min")
    values, names = calendar_features(dates, "hourly")
    hour = values[:, names.index("hour_sin")]
    assert len(set(hour.round(6))) == 4  # 00:00 and 00:30 differ
