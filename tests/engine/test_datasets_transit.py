"""The built-in transit series: day types, holidays and levels shaped like the Chicago data."""

from __future__ import annotations

import pandas as pd

from engine.datasets import transit, transit_day_types


def test_day_types_follow_the_calendar_and_holidays():
    dates = pd.to_datetime(
        ["2019-07-04", "2019-07-05", "2019-07-06", "2019-07-07", "2019-05-27", "2019-11-28"]
    )
    # Thursday 4 July holiday, Friday, Saturday, Sunday, Memorial Day, Thanksgiving
    assert list(transit_day_types(dates)) == ["U", "W", "A", "U", "U", "U"]


def test_transit_levels_and_repeatability():
    a, b = transit(730, seed=3), transit(730, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(transit(730, seed=4))
    means = a.groupby("day_type")["rides"].mean()
    assert means["W"] > means["A"] > means["U"] > 0
    assert (a["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    assert list(a.columns) == ["date", "day_type", "rides"]
