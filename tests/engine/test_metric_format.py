"""One metric formatter for the CLI table, the app and job summaries."""

import numpy as np

from engine.metric_format import format_metric, format_named_metric


def test_wide_form_groups_thousands_and_keeps_four_figures():
    assert format_metric(1_648_359.6) == "1,648,360"
    assert format_metric(0.123456) == "0.1235"
    assert format_metric(np.float32(2.5)) == "2.5"  # numpy scalars are numbers too


def test_percentages_and_missing_values():
    assert format_metric(6.871, percent=True) == "6.87%"
    assert format_named_metric("smape", 12.3456) == "12.35%"
    assert format_named_metric("mase", 0.91234) == "0.9123"
    assert format_metric(None) == "n/a"
    assert format_metric(None, missing="not trained") == "not trained"
    assert format_metric(True) == "n/a"


def test_compact_form_fits_a_narrow_column():
    assert format_metric(1_648_359.6, compact=True) == "1.65M"
    assert format_metric(-82_108.59, compact=True) == "-82.1k"
    assert format_metric(6.871, compact=True) == "6.87"
