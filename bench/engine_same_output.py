"""Numbers the engine and the lesson runtime compute, to compare two commits bit for bit.

    python bench/engine_same_output.py OUT.pkl            # on one commit (PYTHONPATH=/work/main
                                                          # runs main's code with this script)
    python bench/engine_same_output.py --diff A.pkl B.pkl  # exit 1 and name what differs

What it records (fixed seeds, one thread):
  - unroll and backward (BPTT) of rnn/lstm/gru stacks: 1-2 layers, 1-2 directions, an LSTM
    projection, batch_first: outputs, final states, every trace's h, every gradient;
  - four fits (engine.train.fit): histories, events, best epoch, reason and the final weights;
  - engine.job_spec.validate_spec's messages for every key of every task and 23 values;
  - the classic-mistake candidates of every quantity step of the shipped lessons.
A structural commit (nothing meant to change) must leave every one identical.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import torch
from compare_cli import record_or_diff  # bench/, beside this script

from engine import cells
from engine.backward import backward
from engine.job_spec import SPEC_KEYS, validate_spec
from engine.models import ModelConfig, build_model
from engine.sequence import Stack, unroll
from engine.train import TrainConfig, fit
from engine.vocabulary import GATE_COUNT
from tutor.lessons.catalog import load_lesson, shipped_ids
from tutor.lessons.diagnosis import cell_candidates
from tutor.lessons.references import LessonReferences

PARAMS = {"rnn": cells.RNNParams, "lstm": cells.LSTMParams, "gru": cells.GRUParams}
SPEC_VALUES = [None, True, 0, -1, 1, 3, 10**12, 0.5, -0.1, 1.5, float("nan"), "x", "lstm"]
SPEC_VALUES += ["adam", ["lstm"], ["lstm", "lstm"], ["zz"], [], [0.0, 1.0], [1, 1], ["a"], {}, 1e9]


def _stack(kind: str, layers: int, directions: int, proj: int | None, rng) -> Stack:
    I, H, G = 3, 4, GATE_COUNT[kind]
    made = []
    for layer in range(layers):
        inputs = I if layer == 0 else directions * (proj or H)
        row = []
        for _ in range(directions):
            W_ih, W_hh = (
                rng.standard_normal((G * H, inputs)),
                rng.standard_normal((G * H, proj or H)),
            )
            row.append(
                PARAMS[kind](W_ih, W_hh, rng.standard_normal(G * H), rng.standard_normal(G * H))
            )
        made.append(row)
    projections = None
    if proj:
        projections = [[rng.standard_normal((proj, H)) for _ in range(directions)] for _ in made]
    return Stack(kind, made, projections=projections)


def _bytes(a) -> bytes | None:
    return None if a is None else np.asarray(a).tobytes()


def sequences() -> dict:
    rng = np.random.default_rng(1)
    out = {}
    for kind in ("rnn", "lstm", "gru"):
        for layers, directions, proj in ((1, 1, None), (2, 2, None), (2, 1, 2)):
            if proj and kind != "lstm":
                continue
            stack = _stack(kind, layers, directions, proj, rng)
            x = rng.standard_normal((5, 2, 3))
            d = rng.standard_normal((5, 2, directions * (proj or 4)))
            d_h_n = rng.standard_normal((layers * directions, 2, proj or 4))
            d_c_n = rng.standard_normal((layers * directions, 2, 4)) if kind == "lstm" else None
            fwd = unroll(stack, x, traces=True)
            steps = [tr.h for layer in fwd.traces for dirn in layer for tr in dirn]
            record = [_bytes(a) for a in (fwd.output, fwd.h_n, fwd.c_n, *steps)]
            record.append(_bytes(unroll(stack, np.moveaxis(x, 0, 1), batch_first=True).output))
            for g in (
                backward(stack, x, d, d_h_n=d_h_n, d_c_n=d_c_n),
                backward(stack, np.moveaxis(x, 0, 1), np.moveaxis(d, 0, 1), batch_first=True),
            ):
                record += [_bytes(g.dx), _bytes(g.dh0), _bytes(g.dc0)]
                record += [
                    _bytes(v) for row in g.params for pg in row for v in pg.as_dict().values()
                ]
            out[f"sequence {kind} L{layers} D{directions} proj{proj}"] = record
    return out


def fits() -> dict:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((90, 6, 1)).astype(np.float32)
    Y = rng.standard_normal((90, 2, 1)).astype(np.float32)
    cases = {
        "plain": dict(epochs=4),
        "validated": dict(
            epochs=5, val_fraction=0.2, patience=2, lr_patience=1, grad_clip=1.0, batch_size=16
        ),
        "unshuffled": dict(epochs=3, shuffle=False, patience=1, min_delta=10.0),
        "cancelled": dict(epochs=5, batch_size=16, val_fraction=0.1),
    }
    out = {}
    for name, options in cases.items():
        torch.manual_seed(0)
        model = build_model(ModelConfig(kind="lstm", input_size=1, hidden=5, horizon=2))
        events: list[str] = []
        stop = _stop_after(7 if name == "cancelled" else None)
        cfg = TrainConfig(**options, batch_event_interval=0)
        r = fit(
            model,
            (X, Y),
            None,
            cfg,
            lambda e, seen=events: seen.append(type(e).__name__),
            stop,
            name,
        )
        weights = [_bytes(v.numpy()) for v in model.state_dict().values()]
        out[f"fit {name}"] = [
            r.history,
            r.best_val_loss,
            r.best_epoch,
            r.epochs_run,
            r.reason,
            events,
            weights,
        ]
    return out


def _stop_after(polls: int | None):
    """A should_stop that says stop from its (polls + 1)-th call on (never when None)."""
    calls = [0]

    def stop() -> bool:
        calls[0] += 1
        return polls is not None and calls[0] > polls

    return stop


def specs() -> dict:
    out = {}
    for task, keys in SPEC_KEYS.items():
        if task != "forecast":  # its keys are engine.forecast's, checked by its own tests
            for key in keys:
                got = [validate_spec({"task": task, key: v}) for v in SPEC_VALUES]
                out[f"spec {task}.{key}"] = json.dumps(got)
    return out


def candidates() -> dict:
    out = {}
    for lesson_id in shipped_ids():
        refs = LessonReferences(load_lesson(lesson_id), 0)
        if refs.run is not None:
            for step_id, (name, t) in refs.quantities.items():
                found = cell_candidates(refs.run, name, t)
                out[f"candidates {lesson_id}/{step_id}"] = [
                    (c.key, _bytes(c.value), c.message) for c in found
                ]
    return out


def diff(a: Path, b: Path) -> int:
    left, right = pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes())
    differing = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
    for key in differing:
        print(f"differs: {key}")
    print(f"{len(left.keys() | right.keys())} records, {len(differing)} differ")
    return 1 if differing else 0


def record(path: Path) -> None:
    records = {**sequences(), **fits(), **specs(), **candidates()}
    path.write_bytes(pickle.dumps(records))
    print(f"{len(records)} records in {path}")


if __name__ == "__main__":
    sys.exit(record_or_diff(__doc__, "record files", record, diff))
