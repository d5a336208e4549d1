"""Built-in data sets: seed 003's sine and seed 004's max-min sequences."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets


def test_sine_is_seed_003s_wave():
    y = datasets.sine()
    assert y.shape == (800,) and y.dtype == np.float32
    # the seed printed its first window: sin(x * 2 * pi / 40) (it wrote pi as 3.1416)
    assert y[1] == pytest.approx(0.15643, abs=1e-5) and y[10] == pytest.approx(1.0, abs=1e-6)
    assert y[30] == pytest.approx(-1.0, abs=1e-6)
    assert np.allclose(y[:40], y[40:80], atol=1e-5)  # 40 points per cycle


def test_sine_windows_pair_each_window_with_the_next_value():
    y = np.arange(10, dtype=np.float32)
    X, Y = datasets.sine_windows(y, 4)
    assert X.shape == (6, 4, 1) and Y.shape == (6, 1, 1)
    assert X[2, :, 0].tolist() == [2, 3, 4, 5] and Y[2, 0, 0] == 6
    assert X.flags.writeable
    with pytest.raises(ValueError, match="no windows"):
        datasets.sine_windows(y, 10)


def test_maxmin_targets_are_each_rows_max_and_min():
    X, Y = datasets.maxmin(50, 60, seed=1)
    assert X.shape == (50, 60, 1) and Y.shape == (50, 2)
    assert np.array_equal(Y[:, 0], X[:, :, 0].max(axis=1))
    assert np.array_equal(Y[:, 1], X[:, :, 0].min(axis=1))
    # rows differ in range and offset, as in the seed: not all within [-1, 1)
    spans = Y[:, 0] - Y[:, 1]
    assert spans.std() > 0.1 and np.abs(X).max() > 1.0


def test_maxmin_is_seeded():
    a, _ = datasets.maxmin(5, 8, seed=3)
    b, _ = datasets.maxmin(5, 8, seed=3)
    c, _ = datasets.maxmin(5, 8, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
