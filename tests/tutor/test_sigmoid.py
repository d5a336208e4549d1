"""One sigmoid: the engine's overflow-free one, also in the formula language and the unroller."""

import numpy as np
import pytest

from engine.cells import sigmoid
from tutor.lessons import unroll
from tutor.lessons.formula import FUNCTIONS

X = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])


@pytest.mark.parametrize(
    "impl",
    [sigmoid, FUNCTIONS["sigmoid"].impl, lambda x: unroll.activate("sigmoid", x)],
    ids=["engine", "formula", "unroll"],
)
def test_sigmoid_never_overflows(impl):
    with np.errstate(over="raise", invalid="raise"):  # 1/(1+exp(-x)) overflows at x = -1000
        y = impl(X)
    assert y[0] == 0.0 and y[2] == 0.5 and y[4] == 1.0
    assert y[1] == pytest.approx(np.exp(-30.0) / (1 + np.exp(-30.0)), rel=1e-12)
