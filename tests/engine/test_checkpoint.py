"""Checkpoints: round trip, atomic writes, and a clear message for each kind of bad file."""

from __future__ import annotations

import json
import os
import signal

import numpy as np
import pytest
import torch
from safetensors.torch import save as st_save
from safetensors.torch import save_file

from engine import checkpoint
from engine.checkpoint import CheckpointError
from engine.models import ModelConfig, build_model

CFG = ModelConfig(
    kind="gru",
    input_size=2,
    hidden=5,
    layers=2,
    head="seq2seq",
    horizon=3,
    future_size=1,
    bidirectional=True,
)
META = {
    "scaler": {"kind": "standard", "mean": np.array([1.5, 2.0]), "std": np.float64(0.5)},
    "columns": ["rides", "day_type"],
    "window": 14,
    "horizon": 3,
    "frequency": "D",
    "categories": {"day_type": ["A", "U", "W"]},
}


def saved(tmp_path, name="m.safetensors"):
    model = build_model(CFG, seed=1)
    path = checkpoint.save(tmp_path / name, model, META)
    return model, path


def test_round_trip_gives_identical_outputs_and_metadata(tmp_path):
    model, path = saved(tmp_path)
    loaded, meta = checkpoint.load(path)
    x, xf = torch.randn(4, 6, 2), torch.randn(4, 3, 1)
    model.eval()
    assert torch.equal(model(x, xf), loaded(x, xf))
    assert meta["model_config"] == CFG.to_dict()
    assert meta["scaler"]["mean"] == [1.5, 2.0] and meta["scaler"]["std"] == 0.5
    assert meta["categories"] == {"day_type": ["A", "U", "W"]} and meta["window"] == 14
    assert meta["versions"]["torch"] == torch.__version__
    assert checkpoint.read_metadata(path) == meta
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # temp file moved away


def test_overwrite_is_atomic_replacement(tmp_path):
    _, path = saved(tmp_path)
    other = build_model(CFG, seed=2)
    checkpoint.save(path, other, {})
    loaded, _ = checkpoint.load(path)
    assert all(
        torch.equal(a, b)
        for a, b in zip(other.state_dict().values(), loaded.state_dict().values(), strict=True)
    )
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match=r"no checkpoint at .*nope\.safetensors"):
        checkpoint.load(tmp_path / "nope.safetensors")


def test_a_named_pipe_is_refused_without_reading_it(tmp_path):
    # reading a pipe nobody writes to blocks forever: the alarm turns a hang into a failure
    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)

    def hung(*_):
        raise TimeoutError("checkpoint.load blocked reading a named pipe")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        with pytest.raises(CheckpointError, match="not a regular file"):
            checkpoint.load(fifo)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("keep", [0, 5, 40, -100])
def test_truncated_file(tmp_path, keep):
    _, path = saved(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[:keep] if keep >= 0 else raw[:keep])
    with pytest.raises(CheckpointError, match="truncated"):
        checkpoint.load(path)


def test_foreign_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a checkpoint at all\n" * 3)
    with pytest.raises(CheckpointError, match="not an lstm-tutor checkpoint"):
        checkpoint.load(text)
    pickle_like = tmp_path / "model.pt"
    torch.save({"w": torch.zeros(2)}, pickle_like)  # a zip archive: must not be unpickled
    with pytest.raises(CheckpointError, match="not an lstm-tutor checkpoint"):
        checkpoint.load(pickle_like)
    other = tmp_path / "other.safetensors"
    save_file({"w": torch.zeros(2)}, str(other), metadata={"producer": "someone else"})
    with pytest.raises(CheckpointError, match="safetensors file but not an lstm-tutor checkpoint"):
        checkpoint.load(other)


def raw_header(config: ModelConfig, format_version: str = "1") -> dict[str, str]:
    """A checkpoint's safetensors metadata written by hand, for files save() would refuse."""
    return {
        "format": checkpoint.FORMAT,
        "format_version": format_version,
        "model_config": json.dumps(config.to_dict()),
        "metadata": "{}",
    }


def test_mismatched_tensors_are_named_before_loading(tmp_path):
    model = build_model(CFG, seed=1)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    bigger = ModelConfig(**{**CFG.to_dict(), "hidden": 6})
    header = raw_header(bigger)
    path = tmp_path / "mismatch.safetensors"
    path.write_bytes(st_save(tensors, metadata=header))
    with pytest.raises(
        CheckpointError, match=r"does not match its own model config.*shapes differ"
    ):
        checkpoint.load(path)
    del tensors["out.bias"]
    path.write_bytes(
        st_save(tensors, metadata={**header, "model_config": json.dumps(CFG.to_dict())})
    )
    with pytest.raises(CheckpointError, match="missing out.bias"):
        checkpoint.load(path)


def test_newer_format_version_is_refused(tmp_path):
    model = build_model(CFG, seed=1)
    header = raw_header(CFG, format_version="99")
    path = tmp_path / "future.safetensors"
    path.write_bytes(st_save(dict(model.state_dict()), metadata=header))
    with pytest.raises(CheckpointError, match="format version '99'"):
        checkpoint.load(path)


def test_save_errors_are_clear(tmp_path):
    model = build_model(CFG, seed=1)
    with pytest.raises(CheckpointError, match="does not exist"):
        checkpoint.save(tmp_path / "no" / "such" / "m.safetensors", model, {})
    with pytest.raises(CheckpointError, match="model_config differs"):
        checkpoint.save(tmp_path / "m.safetensors", model, {"model_config": {"hidden": 99}})
    with pytest.raises(CheckpointError, match="cannot be stored as JSON"):
        checkpoint.save(tmp_path / "m.safetensors", model, {"f": object()})
    with pytest.raises(CheckpointError, match="ModelConfig"):
        checkpoint.save(tmp_path / "m.safetensors", torch.nn.Linear(2, 2), {})


def test_caller_model_config_and_versions_are_accepted(tmp_path):
    # engine.forecast stores its own model_config (equal to the model's) and versions
    model = build_model(CFG, seed=1)
    meta = {
        "format": "lstm-tutor-forecast",
        "model_config": CFG.to_dict(),
        "versions": {"pandas": "9.9"},
    }
    path = checkpoint.save(tmp_path / "f.safetensors", model, meta)
    _, back = checkpoint.load(path)
    assert back["format"] == "lstm-tutor-forecast" and back["model_config"] == CFG.to_dict()
    assert back["versions"]["pandas"] == "9.9" and "torch" in back["versions"]
