"""Loading and checking series: each data problem gets a message naming what and where."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.covariates import CovariateSpec, encode_covariates, fit_covariates
from engine.data import check_length, infer_frequency, load_future, load_series
from engine.scaling import Scaler
from engine.table_input import DataError
from engine.windows import make_windows, origins_between

CHICAGO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cta_ridership_daily.csv"


def write(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def daily_csv(n: int = 30) -> str:
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    lines = ["day,y,kind"] + [f"{d.date()},{i * 1.5},{'AB'[i % 2]}" for i, d in enumerate(dates)]
    return "\n".join(lines) + "\n"


def test_clean_csv_detects_date_target_and_frequency(tmp_path):
    s = load_series(write(tmp_path, daily_csv()), covariates=["kind"])
    assert s.date_column == "day"
    assert s.targets == ["y"]
    assert s.freq == "D"
    assert s.warnings == []
    assert s.frame["y"].iloc[3] == 4.5


def test_unparseable_date_names_line_and_value(tmp_path):
    text = daily_csv().replace("2024-01-05", "2024-13-45")
    with pytest.raises(DataError, match=r"line 6 \('2024-13-45'\)"):
        load_series(write(tmp_path, text))


def test_exact_duplicates_dropped_with_count(tmp_path):
    lines = daily_csv().splitlines()
    text = "\n".join(lines + [lines[3], lines[4], lines[4]]) + "\n"
    s = load_series(write(tmp_path, text))
    assert len(s.frame) == 30
    assert any("dropped 3 exact duplicate" in w for w in s.warnings)


def test_conflicting_duplicates_are_an_error_listing_dates(tmp_path):
    lines = daily_csv().splitlines()
    text = "\n".join(lines + ["2024-01-03,99.0,A"]) + "\n"
    with pytest.raises(DataError, match=r"different values: 2024-01-03"):
        load_series(write(tmp_path, text))


def test_gaps_reported_then_filled(tmp_path):
    lines = daily_csv().splitlines()
    del lines[10:13]  # 2024-01-10 .. 2024-01-12
    p = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"3 date\(s\) missing.*2024-01-10.*`fill`"):
        load_series(p)
    s = load_series(p, fill="interpolate")
    assert len(s.frame) == 30
    assert s.frame.loc["2024-01-11", "y"] == pytest.approx(15.0)  # on the line 13.5 -> 19.5
    assert any("filled 3 missing date" in w for w in s.warnings)
    f = load_series(p, fill="ffill")
    assert f.frame.loc["2024-01-11", "y"] == pytest.approx(f.frame.loc["2024-01-09", "y"])


def test_non_numeric_target_names_column_and_line(tmp_path):
    text = daily_csv().replace("2024-01-04,4.5", "2024-01-04,abc")
    with pytest.raises(DataError, match=r"target 'y'.*line 5 \('abc'\)"):
        load_series(write(tmp_path, text))


def test_missing_target_names_line_and_fill(tmp_path):
    text = daily_csv().replace("2024-01-04,4.5", "2024-01-04,")
    p = write(tmp_path, text)
    with pytest.raises(DataError, match=r"'y' at line 5.*`fill`"):
        load_series(p)
    s = load_series(p, fill="interpolate")
    assert s.frame.loc["2024-01-04", "y"] == pytest.approx(4.5)


def test_unsorted_dates_sorted_with_note(tmp_path):
    lines = daily_csv().splitlines()
    body = lines[1:]
    body[5], body[6] = body[6], body[5]
    s = load_series(write(tmp_path, "\n".join([lines[0]] + body) + "\n"))
    assert s.frame.index.is_monotonic_increasing
    assert any("not in order" in w and "line 8" in w for w in s.warnings)


def test_too_few_rows_message():
    with pytest.raises(DataError, match=r"30 rows.*window 28 and horizon 7"):
        check_length(30, 28, 7, 7)
    check_length(100, 28, 7, 14)


def test_daylight_saving_offsets_keep_the_daily_wall_clock(tmp_path):
    # daily readings at noon local time across a change of offset: still one a day, at noon
    text = "ts,y\n2024-03-30T12:00+01:00,1\n2024-03-31T12:00+02:00,2\n2024-04-01T12:00+02:00,3\n"
    s = load_series(write(tmp_path, text))
    assert any("UTC offsets" in w for w in s.warnings)
    assert s.frame.index[0] == pd.Timestamp("2024-03-30 12:00")
    assert s.freq == "D"


def test_ambiguous_date_columns_listed(tmp_path):
    text = "start,end,y\n2024-01-01,2024-01-02,1\n2024-01-02,2024-01-03,2\n"
    with pytest.raises(DataError, match=r"'start', 'end'.*`date`"):
        load_series(write(tmp_path, text))
    assert load_series(write(tmp_path, text), date="end").frame.index[0].day == 2


def test_unknown_columns_suggest_names(tmp_path):
    p = write(tmp_path, daily_csv())
    with pytest.raises(DataError, match=r"did you mean 'y'"):
        load_series(p, targets=["yy"])
    with pytest.raises(DataError, match="`targets`"):
        load_series(pd.DataFrame({"d": pd.date_range("2024", periods=5), "a": 1.0, "b": 2.0}))


def test_dataframe_rows_named_by_index():
    df = pd.DataFrame({"date": ["2024-01-01", "2024-01-02", "nope"], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match=r"row 2 \('nope'\)"):
        load_series(df)


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_series(tmp_path / "absent.csv")
    with pytest.raises(DataError, match="empty"):
        load_series(write(tmp_path, ""))


def test_monthly_frequency_with_gap():
    dates = pd.date_range("2020-01-01", periods=24, freq="MS").delete(5)
    assert infer_frequency(dates) == "MS"
    assert infer_frequency(pd.date_range("2024-01-01", periods=9, freq="D").delete(4)) == "D"
    assert infer_frequency(pd.date_range("2024-01-01", periods=9, freq="h").delete(4)) == "h"


def test_windows_match_a_python_loop():
    rng = np.random.default_rng(0)
    y, cov = rng.normal(size=(40, 2)), rng.normal(size=(40, 3))
    origins = origins_between(0, 40, window=5, horizon=3, n=40)
    w = make_windows(y, cov, origins, 5, 3)
    assert origins[0] == 5 and origins[-1] == 37
    for k, o in enumerate(origins):
        np.testing.assert_allclose(w.x_past[k], np.concatenate([y, cov], 1)[o - 5 : o], rtol=1e-6)
        np.testing.assert_allclose(w.y[k], y[o : o + 3], rtol=1e-6)
        np.testing.assert_allclose(w.x_future[k], cov[o : o + 3], rtol=1e-6)


def test_scalers_invert_and_ignore_test_rows():
    x = np.array([[1.0], [3.0], [100.0]])
    s = Scaler.fit(x[:2], "standard")
    assert s.transform(x)[:2, 0].tolist() == [-1.0, 1.0]
    np.testing.assert_allclose(s.inverse(s.transform(x)), x)
    m = Scaler.fit(x[:2], "minmax")
    assert m.transform(x)[:, 0].tolist() == [0.0, 1.0, 49.5]
    assert Scaler.from_dict(m.to_dict()).transform(x)[2, 0] == 49.5


def test_covariates_one_hot_calendar_and_unknown_category():
    idx = pd.date_range("2024-01-01", periods=10, freq="D", name="date")
    frame = pd.DataFrame({"kind": list("WWWWWAUWWW"), "temp": np.arange(10.0)}, index=idx)
    spec = fit_covariates(frame, ["kind", "temp"], n_train=8, calendar="daily", scaling="standard")
    enc = encode_covariates(frame, spec)
    names = spec.feature_names()
    assert enc.shape == (10, len(names))
    assert enc[5, names.index("kind_A")] == 1 and enc[6, names.index("kind_U")] == 1
    assert enc[0, names.index("dow_mon")] == 1  # 2024-01-01 was a Monday
    assert enc[:8, names.index("temp")].mean() == pytest.approx(0.0)
    spec2 = CovariateSpec.from_dict(spec.to_dict())
    np.testing.assert_allclose(encode_covariates(frame, spec2), enc)
    bad = frame.assign(kind="X")
    with pytest.raises(ValueError, match="'X'.*A, U, W"):
        encode_covariates(bad, spec)


def test_future_table_must_cover_the_dates(tmp_path):
    p = write(tmp_path, "date,kind\n2024-02-01,W\n2024-02-02,A\n", "f.csv")
    need = pd.date_range("2024-02-01", periods=2, freq="D")
    assert load_future(p, need, ["kind"])["kind"].tolist() == ["W", "A"]
    with pytest.raises(DataError, match=r"lacks 1 .*2024-02-03"):
        load_future(p, pd.date_range("2024-02-01", periods=3, freq="D"), ["kind"])


@pytest.mark.skipif(not CHICAGO.exists(), reason="Chicago CSV not present")
def test_chicago_csv_loads_with_62_duplicates_dropped():
    s = load_series(CHICAGO, targets=["rail_boardings", "bus"], covariates=["day_type"])
    assert s.date_column == "service_date"
    assert s.freq == "D"
    assert any("dropped 62 exact duplicate" in w for w in s.warnings)
    assert any("sorted" in w for w in s.warnings)
    assert s.frame.index.is_unique and s.frame.index.is_monotonic_increasing


def test_holiday_calendar_flags():
    from engine.covariates import calendar_features

    dates = pd.DatetimeIndex(["2019-11-27", "2019-11-28", "2019-11-29", "2019-12-24", "2019-12-26"])
    values, names = calendar_features(dates, "daily")
    col = {n: values[:, k] for k, n in enumerate(names)}
    assert col["us_holiday"].tolist() == [0, 1, 0, 0, 0]  # Thanksgiving
    assert col["holiday_eve"].tolist() == [1, 0, 0, 1, 0]
    assert col["after_holiday"].tolist() == [0, 0, 1, 0, 1]
    assert col["christmas_week"].tolist() == [0, 0, 0, 1, 1]


def test_single_value_column_with_bad_cell_is_located(tmp_path):
    p = write(tmp_path, "date,y\n2024-01-01,1\n2024-01-02,x\n2024-01-03,3\n")
    with pytest.raises(DataError, match=r"target 'y'.*line 3 \('x'\)"):
        load_series(p)


def test_mixed_date_formats_name_the_first_row_of_each_format():
    dates = ["2024-01-01", "2024-01-02", "03/01/2024", "04/01/2024"]
    df = pd.DataFrame({"date": dates, "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(DataError, match=r"mixes date formats.*row 0.*DD/MM/YYYY.*row 2"):
        load_series(df)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e308, -1e16])
def test_non_finite_or_huge_values_name_row_and_column(bad):
    dates = pd.date_range("2024-01-01", periods=5, freq="D").strftime("%Y-%m-%d")
    df = pd.DataFrame({"date": dates, "y": [1.0, 2.0, bad, 4.0, 5.0]})
    with pytest.raises(DataError, match=r"column 'y' .*infinite or beyond.*row 2"):
        load_series(df)


def test_a_target_with_no_values_is_refused_even_with_fill():
    dates = pd.date_range("2024-01-01", periods=5, freq="D").strftime("%Y-%m-%d")
    df = pd.DataFrame({"date": dates, "y": [np.nan] * 5})
    with pytest.raises(DataError, match="no values at all"):
        load_series(df, fill="interpolate")
