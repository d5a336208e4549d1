"""engine.reference.backward and engine.backward against torch autograd (float64, 1e-12) and
against finite differences (a second witness that needs no torch, and covers the classic GRU)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backward import backward as bptt
from engine.backward import gru_cell_backward, lstm_cell_backward
from engine.cells import GRUParams, LSTMParams, gru_cell, lstm_cell
from engine.convert import stack_from_torch
from engine.layouts import lstm_layout, reorder_blocks
from engine.reference import backward
from engine.sequence import Stack, unroll
from tests.engine.conftest import TORCH_MODULES, build_module

TOL = 1e-12

configs = st.fixed_dictionaries(
    {
        "input_size": st.integers(1, 6),
        "hidden_size": st.integers(1, 8),
        "length": st.integers(1, 12),
        "batch": st.integers(1, 3),
        "num_layers": st.integers(1, 3),
        "bidirectional": st.booleans(),
        "batch_first": st.booleans(),
        "unbatched": st.booleans(),
        "initial_state": st.booleans(),
        "final_state_grad": st.booleans(),
        "bias": st.booleans(),
        "proj": st.integers(0, 3),
        "seed": st.integers(0, 2**31 - 1),
    }
)


def build(kind: str, c: dict) -> torch.nn.RNNBase:
    """The config's module; an LSTM projects its output when `proj` is below the hidden size."""
    if kind == "lstm" and 0 < c["proj"] < c["hidden_size"]:
        return build_module(kind, c, proj_size=c["proj"])
    return build_module(kind, c)


def autograd(module, x, grad_output, state, grad_state):
    """What torch autograd says: dL/dx, dL/d(initial state), dL/d each parameter."""
    kind = "lstm" if isinstance(module, torch.nn.LSTM) else "other"
    xt = torch.tensor(x, requires_grad=True)
    st_ = tuple(torch.tensor(s, requires_grad=True) for s in state) if kind == "lstm" else None
    if kind != "lstm":
        st_ = torch.tensor(state, requires_grad=True)
    module.zero_grad()
    output, final = module(xt, st_)
    loss = (output * torch.from_numpy(grad_output)).sum()
    if grad_state is not None:
        finals = final if kind == "lstm" else (final,)
        gs = grad_state if kind == "lstm" else (grad_state,)
        loss = loss + sum((f * torch.from_numpy(g)).sum() for f, g in zip(finals, gs, strict=True))
    loss.backward()
    dstate = tuple(s.grad.numpy() for s in st_) if kind == "lstm" else st_.grad.numpy()
    params = {n: p.grad.numpy() for n, p in module.named_parameters()}
    return {"x": xt.grad.numpy(), "state": dstate, "params": params}


def arrays(result) -> dict[str, np.ndarray]:
    out = {"x": result["x"]}
    states = result["state"] if isinstance(result["state"], tuple) else (result["state"],)
    out.update({f"state{i}": s for i, s in enumerate(states)})
    out.update(result["params"])
    return out


def assert_same(ours, theirs, tol=TOL):
    a, b = arrays(ours), arrays(theirs)
    assert list(a) == list(b)
    for name in a:
        assert a[name].shape == b[name].shape, name
        assert np.max(np.abs(a[name] - b[name]), initial=0.0) <= tol, name


def inputs(kind, module, c, rng):
    D = 2 if c["bidirectional"] else 1
    rows, N, T, I = c["num_layers"] * D, c["batch"], c["length"], c["input_size"]
    H = c["hidden_size"]
    P = getattr(module, "proj_size", 0) or H
    if c["unbatched"]:
        x = rng.standard_normal((T, I))
        lead = (rows,)
    else:
        x = rng.standard_normal((N, T, I) if c["batch_first"] else (T, N, I))
        lead = (rows, N)
    shapes = [(*lead, P), (*lead, H)] if kind == "lstm" else [(*lead, H)]
    given_state = [rng.standard_normal(s) for s in shapes]
    zero_state = [np.zeros(s) for s in shapes]
    pack = (lambda s: tuple(s)) if kind == "lstm" else (lambda s: s[0])
    grad_state = pack([rng.standard_normal(s) for s in shapes]) if c["final_state_grad"] else None
    state = pack(given_state) if c["initial_state"] else None
    torch_state = pack(given_state) if c["initial_state"] else pack(zero_state)
    out_shape = (*x.shape[:-1], D * P)
    return x, state, torch_state, rng.standard_normal(out_shape), grad_state


@pytest.mark.parametrize("kind", list(TORCH_MODULES))
@settings(max_examples=25, deadline=None, derandomize=True)
@given(c=configs)
def test_backward_matches_autograd(kind, c):
    module = build(kind, c)
    rng = np.random.default_rng(c["seed"])
    x, state, torch_state, grad_output, grad_state = inputs(kind, module, c, rng)
    ours = backward(module, x, grad_output, state, grad_state=grad_state)
    theirs = autograd(module, x, grad_output, torch_state, grad_state)
    assert_same(ours, theirs)


def test_signature_without_state_gives_the_gradient_at_zero_state():
    torch.manual_seed(1)
    module = torch.nn.LSTM(2, 3, num_layers=2, bidirectional=True).double()
    rng = np.random.default_rng(1)
    x, go = rng.standard_normal((5, 4, 2)), rng.standard_normal((5, 4, 6))
    ours = backward(module, x, go)
    zeros = (np.zeros((4, 4, 3)), np.zeros((4, 4, 3)))
    assert_same(ours, autograd(module, x, go, zeros, None))
    assert ours["state"][0].shape == (4, 4, 3)
    assert np.max(np.abs(ours["state"][1])) > 0  # c0 does receive gradient at zero


def test_float32_module_and_tensor_inputs():
    torch.manual_seed(2)
    module = torch.nn.GRU(3, 4, batch_first=True)  # float32 weights, recomputed in float64
    rng = np.random.default_rng(2)
    x, go = rng.standard_normal((2, 6, 3)), rng.standard_normal((2, 6, 4))
    ours = backward(module, torch.from_numpy(x), torch.from_numpy(go))
    theirs = autograd(module.double(), x, go, np.zeros((1, 2, 4)), None)
    assert_same(ours, theirs)


@pytest.mark.parametrize(
    "cell",
    [torch.nn.LSTMCell(3, 5), torch.nn.GRUCell(3, 5), torch.nn.RNNCell(3, 5, nonlinearity="relu")],
)
def test_single_cells(cell):
    cell = cell.double()
    rng = np.random.default_rng(5)
    x, h = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    lstm = isinstance(cell, torch.nn.LSTMCell)
    state = (h, rng.standard_normal((4, 5))) if lstm else h
    grad = (rng.standard_normal((4, 5)), rng.standard_normal((4, 5))) if lstm else h * 0.3
    ours = backward(cell, x, grad, state)
    xt = torch.tensor(x, requires_grad=True)
    st_ = tuple(torch.tensor(s, requires_grad=True) for s in state) if lstm else None
    st_ = st_ if lstm else torch.tensor(state, requires_grad=True)
    out = cell(xt, st_)
    outs, grads = (out, grad) if lstm else ((out,), (grad,))
    sum((o * torch.from_numpy(g)).sum() for o, g in zip(outs, grads, strict=True)).backward()
    dstate = tuple(s.grad.numpy() for s in st_) if lstm else st_.grad.numpy()
    theirs = {
        "x": xt.grad.numpy(),
        "state": dstate,
        "params": {n: p.grad.numpy() for n, p in cell.named_parameters()},
    }
    assert_same(ours, theirs)


def test_bad_grad_output_is_named():
    module = torch.nn.LSTM(2, 3).double()
    with pytest.raises(ValueError, match="grad_output must be shaped like the module's output"):
        backward(module, np.zeros((4, 1, 2)), np.zeros((4, 1, 2)))


# --- every gate layout --------------------------------------------------------------------

LAYOUTS = {
    "lstm": ["pytorch", "keras", "seed000", "seed004", ["o", "g", "i", "f"]],
    "gru": ["pytorch", "keras", ["n", "z", "r"]],
}


@pytest.mark.parametrize(
    ("kind", "layout"), [(k, lay) for k, lays in LAYOUTS.items() for lay in lays]
)
def test_gradients_come_back_in_the_weights_layout(kind, layout):
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    torch.manual_seed(3)
    module = cls(2, 3, num_layers=2, bidirectional=True).double()
    rng = np.random.default_rng(3)
    x, go = rng.standard_normal((4, 2, 2)), rng.standard_normal((4, 2, 6))
    theirs = backward(module, x, go)["params"]
    stack = stack_from_torch(module, layout=layout)
    g = bptt(stack, x, go)
    order = stack.layout
    torch_order = ("i", "f", "g", "o") if kind == "lstm" else ("r", "z", "n")
    for k in range(2):
        for d, suffix in enumerate(("", "_reverse")):
            ours = g.params[k][d]
            for field_name, name in (("dW_ih", "weight_ih"), ("db_hh", "bias_hh")):
                back = reorder_blocks(getattr(ours, field_name), order, torch_order)
                assert np.max(np.abs(back - theirs[f"{name}_l{k}{suffix}"])) <= TOL


# --- finite differences: a second witness -------------------------------------------------


def _random_stack(kind, rng, layout, reset_after=True, L=2, D=2, I=2, H=3, nonlinearity="tanh"):
    from engine.cells import RNNParams

    cls = {"rnn": RNNParams, "lstm": LSTMParams, "gru": GRUParams}[kind]
    G = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    layers = []
    for layer in range(L):
        n_in = I if layer == 0 else D * H
        layers.append(
            [
                cls(
                    rng.normal(0, 0.6, (G * H, n_in)),
                    rng.normal(0, 0.6, (G * H, H)),
                    rng.normal(0, 0.3, G * H),
                    rng.normal(0, 0.3, G * H),
                )
                for _ in range(D)
            ]
        )
    return Stack(kind, layers, nonlinearity, layout, reset_after)


def _loss(stack, x, h0, c0, w_out, w_h):
    r = unroll(stack, x, h0, c0)
    return float(np.sum(r.output * w_out) + np.sum(r.h_n * w_h))


def _fd(f, a, eps=1e-6):
    """Central differences of f() with respect to every element of array a (modified in place)."""
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        keep = a[idx]
        a[idx] = keep + eps
        up = f()
        a[idx] = keep - eps
        down = f()
        a[idx] = keep
        grad[idx] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    ("kind", "layout", "reset_after", "nonlinearity"),
    [
        ("rnn", "pytorch", True, "tanh"),
        ("rnn", "pytorch", True, "relu"),
        ("lstm", "seed000", True, "tanh"),
        ("lstm", "seed004", True, "tanh"),
        ("gru", "pytorch", True, "tanh"),
        ("gru", "keras", False, "tanh"),  # Cho's classic form: no torch module to compare with
        ("gru", "pytorch", False, "tanh"),
    ],
)
def test_finite_differences(kind, layout, reset_after, nonlinearity):
    rng = np.random.default_rng(4)
    stack = _random_stack(kind, rng, layout, reset_after, nonlinearity=nonlinearity)
    T, N = 4, 2
    x = rng.standard_normal((T, N, 2))
    h0 = rng.standard_normal((4, N, 3))
    c0 = rng.standard_normal((4, N, 3)) if kind == "lstm" else None
    w_out, w_h = rng.standard_normal((T, N, 6)), rng.standard_normal((4, N, 3))
    g = bptt(stack, x, w_out, h0, c0, d_h_n=w_h)

    def f():
        return _loss(stack, x, h0, c0, w_out, w_h)

    checks = [(g.dx, x), (g.dh0, h0)]
    if c0 is not None:
        checks.append((g.dc0, c0))
    for layer in range(2):
        for d in range(2):
            p, pg = stack.layers[layer][d], g.params[layer][d]
            checks += [(pg.dW_ih, p.W_ih), (pg.dW_hh, p.W_hh), (pg.db_ih, p.b_ih)]
            checks += [(pg.db_hh, p.b_hh)]
    for ours, wrt in checks:
        assert np.max(np.abs(ours - _fd(f, wrt))) < 1e-7


# --- the trace: every intermediate gradient, named as in the equations --------------------


def _torch_lstm_seed000():
    """Seed 000's network in torch by hand, keeping every intermediate's gradient."""
    W = torch.tensor([[0.2, 0.4, -0.3, 0.1], [0.1, -0.2, 0.5, 0.3]], dtype=torch.float64)
    B = torch.tensor([[0.1, 0.2, -0.1, 0.0]], dtype=torch.float64)
    W.requires_grad_()
    h = torch.zeros(1, 1, dtype=torch.float64)
    c = torch.zeros(1, 1, dtype=torch.float64)
    kept = {}
    for t, xv in enumerate((0.5, 0.8)):
        z = torch.cat([torch.tensor([[xv]], dtype=torch.float64), h], 1) @ W + B
        f, i, g, o = torch.sigmoid(z[:, 0:1]), torch.sigmoid(z[:, 1:2]), None, None
        g, o = torch.tanh(z[:, 2:3]), torch.sigmoid(z[:, 3:4])
        c = f * c + i * g
        h = o * torch.tanh(c)
        for name, v in {"z": z, "f": f, "i": i, "g": g, "o": o, "c": c, "h": h}.items():
            v.retain_grad()
            kept[f"{name}{t}"] = v
    y = torch.sigmoid(h * 1.0 + 0.5)
    loss = torch.nn.functional.binary_cross_entropy(y, torch.ones_like(y))
    loss.backward()
    return kept, W.grad


def test_trace_names_every_gradient_of_seed000():
    kept, dW = _torch_lstm_seed000()
    W = np.array([[0.2, 0.4, -0.3, 0.1], [0.1, -0.2, 0.5, 0.3]])
    p = LSTMParams.from_concat(W, np.array([0.1, 0.2, -0.1, 0.0]), 1)
    stack = Stack("lstm", [[p]], layout="seed000")
    x = np.array([[[0.5]], [[0.8]]])
    h2 = unroll(stack, x).output[-1]
    y = 1 / (1 + np.exp(-(h2 + 0.5)))
    dh2 = (y - 1.0) * 1.0  # BCE with target 1 through the sigmoid readout
    d_out = np.zeros((2, 1, 1))
    d_out[-1] = dh2
    g = bptt(stack, x, d_out)
    trace = g.traces[0][0]
    for t in range(2):
        s = trace[t]
        assert s.dh == pytest.approx(kept[f"h{t}"].grad.numpy(), abs=1e-14)
        assert s.dc == pytest.approx(kept[f"c{t}"].grad.numpy(), abs=1e-14)
        for gate in "figo":
            expected = kept[f"{gate}{t}"].grad.numpy()
            assert getattr(s, f"d{gate}") == pytest.approx(expected, abs=1e-14)
        assert s.dz == pytest.approx(kept[f"z{t}"].grad.numpy(), abs=1e-14)  # seed000 order
    # dL/dW in seed 000's concat form: rows x then h, columns f, i, g, o
    pg = g.params[0][0]
    dW_concat = np.concatenate([pg.dW_ih.T, pg.dW_hh.T], axis=0)
    assert dW_concat == pytest.approx(dW.numpy(), abs=1e-14)
    # the path through c: dL/dc1 includes the gradient arriving from c2 through f1
    fwd = unroll(stack, x, traces=True).traces[0][0]
    through_h = trace[0].dh * fwd[0].o * (1 - np.tanh(fwd[0].c) ** 2)
    assert abs(trace[0].dc - through_h) > 1e-3
    assert trace[0].dc == pytest.approx(through_h + trace[1].dc * fwd[1].f)


def test_cell_backward_without_next_cell_gradient():
    rng = np.random.default_rng(6)
    p = LSTMParams(*(rng.standard_normal(s) for s in ((8, 3), (8, 2), 8, 8)))
    x, h, c = rng.standard_normal((5, 3)), rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    tr = lstm_cell(x, h, c, p, layout="keras")
    dh = rng.standard_normal((5, 2))
    g = lstm_cell_backward(tr, x, h, c, p, dh, layout="keras")
    assert g.dc == pytest.approx(dh * tr.o * (1 - np.tanh(tr.c) ** 2))
    assert lstm_layout("keras") == ("i", "f", "g", "o")
    gp = GRUParams(*(rng.standard_normal(s) for s in ((6, 3), (6, 2), 6, 6)))
    gt = gru_cell(x, h, gp, reset_after=False)
    gg = gru_cell_backward(gt, x, h, gp, dh, reset_after=False)
    assert gg.dn == pytest.approx(dh * (1 - gt.z))
