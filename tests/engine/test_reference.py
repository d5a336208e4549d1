"""engine.reference.run against torch itself, in float64, over random sizes (issue 2's proof)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.reference import run
from tests.engine.conftest import TORCH_MODULES, build_module

TOL = 1e-12

configs = st.fixed_dictionaries(
    {
        "input_size": st.integers(1, 8),
        "hidden_size": st.integers(1, 16),
        "length": st.integers(1, 50),
        "batch": st.integers(1, 4),
        "num_layers": st.integers(1, 3),
        "bidirectional": st.booleans(),
        "batch_first": st.booleans(),
        "initial_state": st.booleans(),
        "bias": st.booleans(),
        "seed": st.integers(0, 2**31 - 1),
    }
)


def inputs(kind: str, c: dict):
    rng = np.random.default_rng(c["seed"])
    N, T = c["batch"], c["length"]
    x = rng.standard_normal(
        (N, T, c["input_size"]) if c["batch_first"] else (T, N, c["input_size"])
    )
    if not c["initial_state"]:
        return x, None
    rows = c["num_layers"] * (2 if c["bidirectional"] else 1)
    h0 = rng.standard_normal((rows, N, c["hidden_size"]))
    if kind == "lstm":
        return x, (h0, rng.standard_normal((rows, N, c["hidden_size"])))
    return x, h0


def torch_state(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(torch.from_numpy(s) for s in state)
    return torch.from_numpy(state)


def flat(result) -> list[np.ndarray]:
    """output, h_n[, c_n] of either side, as numpy arrays."""
    output, state = result
    states = state if isinstance(state, tuple) else (state,)
    return [
        np.asarray(t.detach().numpy() if isinstance(t, torch.Tensor) else t)
        for t in (output, *states)
    ]


def max_diff(ours, theirs) -> float:
    ours, theirs = flat(ours), flat(theirs)
    assert [a.shape for a in ours] == [b.shape for b in theirs]
    return max(float(np.max(np.abs(a - b))) for a, b in zip(ours, theirs, strict=True))


@pytest.mark.parametrize("kind", list(TORCH_MODULES))
@settings(max_examples=30, deadline=None, derandomize=True)
@given(c=configs)
def test_run_matches_torch(kind, c):
    module = build_module(kind, c).eval()
    x, state = inputs(kind, c)
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch_state(state))
    assert max_diff(run(module, x, state), expected) <= TOL


@pytest.mark.parametrize("kind", list(TORCH_MODULES))
def test_state_may_be_given_as_tensors(kind):
    c = dict(
        input_size=3,
        hidden_size=4,
        length=6,
        batch=2,
        num_layers=2,
        bidirectional=True,
        batch_first=False,
        initial_state=True,
        bias=True,
        seed=7,
    )
    module = build_module(kind, c).eval()
    x, state = inputs(kind, c)
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch_state(state))
    assert max_diff(run(module, torch.from_numpy(x), torch_state(state)), expected) <= TOL


@pytest.mark.parametrize("kind", list(TORCH_MODULES))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_unbatched_input(kind, bidirectional):
    c = dict(
        input_size=2,
        hidden_size=5,
        length=9,
        batch=1,
        num_layers=2,
        bidirectional=bidirectional,
        batch_first=True,
        initial_state=True,
        bias=True,
        seed=3,
    )
    module = build_module(kind, c).eval()
    x, state = inputs(kind, c)
    x = x[0]
    if isinstance(state, tuple):
        state = tuple(s[:, 0] for s in state)
    elif state is not None:
        state = state[:, 0]
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch_state(state))
    ours = run(module, x, state)
    assert ours[0].ndim == 2
    assert max_diff(ours, expected) <= TOL


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_lstm_with_projection(bidirectional, batch_first):
    torch.manual_seed(11)
    module = (
        torch.nn.LSTM(
            3, 6, num_layers=3, proj_size=2, bidirectional=bidirectional, batch_first=batch_first
        )
        .double()
        .eval()
    )
    rng = np.random.default_rng(11)
    D = 2 if bidirectional else 1
    x = rng.standard_normal((4, 10, 3) if batch_first else (10, 4, 3))
    state = (rng.standard_normal((3 * D, 4, 2)), rng.standard_normal((3 * D, 4, 6)))
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch_state(state))
    assert max_diff(run(module, x, state), expected) <= TOL


@pytest.mark.parametrize(
    "cell",
    [torch.nn.LSTMCell(3, 5), torch.nn.GRUCell(3, 5), torch.nn.RNNCell(3, 5, nonlinearity="relu")],
)
def test_single_cells(cell):
    cell = cell.double()
    rng = np.random.default_rng(5)
    x, h = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    state = (h, rng.standard_normal((4, 5))) if isinstance(cell, torch.nn.LSTMCell) else h
    with torch.no_grad():
        expected = cell(torch.from_numpy(x), torch_state(state))
    ours = run(cell, x, state)
    pairs = zip(ours, expected, strict=True) if isinstance(ours, tuple) else [(ours, expected)]
    for a, b in pairs:
        assert np.max(np.abs(a - b.numpy())) <= TOL


def test_non_zero_initial_state_changes_the_output():
    # d2l's pitfall: forgetting to pass the state silently restarts from zeros
    torch.manual_seed(0)
    module = torch.nn.LSTM(2, 4).double().eval()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 1, 2))
    state = (rng.standard_normal((1, 1, 4)), rng.standard_normal((1, 1, 4)))
    zero_start, _ = run(module, x)
    warm_start, _ = run(module, x, state)
    assert np.max(np.abs(zero_start - warm_start)) > 1e-3


@pytest.mark.parametrize(
    ("make", "x", "state", "message"),
    [
        (lambda: torch.nn.GRU(3, 4), np.zeros((5, 2, 2)), None, "input_size is 3"),
        (lambda: torch.nn.GRU(3, 4), np.zeros((5, 3)), np.zeros((1, 2, 4)), "must be 2-D"),
        (lambda: torch.nn.GRU(3, 4), np.zeros((2, 5, 2, 3)), None, "must be 3-D"),
        (lambda: torch.nn.LSTM(3, 4), np.zeros((5, 2, 3)), np.zeros((1, 2, 4)), "pair (h0, c0)"),
        (lambda: torch.nn.RNN(3, 4), np.zeros((5, 2, 3)), np.zeros((2, 2, 4)), "h0 must be shaped"),
        (lambda: torch.nn.Linear(3, 4), np.zeros((5, 2, 3)), None, "expected torch.nn.RNN"),
    ],
)
def test_bad_input_is_refused_clearly(make, x, state, message):
    with pytest.raises((ValueError, TypeError)) as err:
        run(make().double(), x, state)
    assert message in str(err.value)


def test_training_mode_dropout_warns_and_computes_eval_mode():
    torch.manual_seed(1)
    module = torch.nn.GRU(2, 3, num_layers=2, dropout=0.5).double()
    x = np.random.default_rng(1).standard_normal((4, 1, 2))
    with pytest.warns(RuntimeWarning, match="eval"):
        ours = run(module, x)
    with torch.no_grad():
        expected = module.eval()(torch.from_numpy(x))
    assert max_diff(ours, expected) <= TOL


@settings(max_examples=15, deadline=None, derandomize=True)
@given(c=configs, proj=st.integers(1, 15))
def test_lstm_projection_matches_torch(c, proj):
    hidden = max(c["hidden_size"], proj + 1)  # torch needs proj_size < hidden_size
    torch.manual_seed(c["seed"])
    module = torch.nn.LSTM(
        c["input_size"],
        hidden,
        num_layers=c["num_layers"],
        bias=c["bias"],
        batch_first=c["batch_first"],
        bidirectional=c["bidirectional"],
        proj_size=proj,
    ).double()
    x, _ = inputs("lstm", c)
    rng = np.random.default_rng(c["seed"] + 1)
    rows, N = c["num_layers"] * (2 if c["bidirectional"] else 1), c["batch"]
    state = (rng.standard_normal((rows, N, proj)), rng.standard_normal((rows, N, hidden)))
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch_state(state))
    assert max_diff(run(module, x, state), expected) <= TOL


def test_float32_module_is_recomputed_in_float64():
    torch.manual_seed(2)
    module = torch.nn.LSTM(3, 4, num_layers=2).eval()  # float32
    x = np.random.default_rng(2).standard_normal((6, 2, 3))
    ours = run(module, x)
    with torch.no_grad():
        exact = module.double()(torch.from_numpy(x))
    assert ours[0].dtype == np.float64
    assert max_diff(ours, exact) <= 1e-6  # float32 weights, float64 arithmetic
