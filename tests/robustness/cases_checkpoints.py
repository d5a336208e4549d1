"""Tampered, damaged and foreign checkpoints given to `lstm-tutor forecast --load`.

One real checkpoint is trained once (1 epoch, 4 hidden units); each case rewrites part of its
safetensors header (the JSON the loader must not trust) or replaces the file outright.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.robustness.corpus import Case, csv_text, daily, write

ROWS = [(d, 10 + i % 7 + (i % 3) / 10) for i, d in enumerate(daily(60))]


@functools.cache
def base() -> tuple[Path, Path]:
    """(data CSV, checkpoint trained on it), made once per test session."""
    from engine.forecast import ForecastConfig, run_forecast

    folder = Path(tempfile.mkdtemp(prefix="ckpt-corpus-"))
    data = write(folder, "data.csv", csv_text(ROWS))
    ckpt = folder / "model.ckpt"
    run_forecast(
        ForecastConfig(data=str(data), window=7, horizon=2, epochs=1, hidden=4, patience=None,
                       save=str(ckpt))
    )  # fmt: skip
    return data, ckpt


def _split(raw: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + n]), raw[8 + n :]


def _join(header: dict, data: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def tamper(change: Callable[[dict], None], *extra: str) -> Callable[[Path], list[str]]:
    """A case whose header was changed by `change(header)` (metadata JSON already decoded:
    header["meta"] is the forecast metadata, header["model"] the model config)."""

    def make(folder: Path) -> list[str]:
        data, ckpt = base()
        header, blob = _split(ckpt.read_bytes())
        meta = header["__metadata__"]
        original = dict(meta)
        view = {
            "meta": json.loads(meta["metadata"]),
            "model": json.loads(meta["model_config"]),
            "header": header,
        }
        change(view)
        for key, part in (("metadata", "meta"), ("model_config", "model")):
            if meta.get(key) == original[key]:  # not broken by hand: write the edited JSON
                meta[key] = json.dumps(view[part])
        path = write(folder, "tampered.ckpt", _join(header, blob))
        return ["forecast", str(data), "--load", str(path), "--quiet", *extra]

    return make


def replaced(content: bytes | Callable[[bytes], bytes], *extra: str):
    def make(folder: Path) -> list[str]:
        data, ckpt = base()
        raw = content(ckpt.read_bytes()) if callable(content) else content
        path = write(folder, "other.ckpt", raw)
        return ["forecast", str(data), "--load", str(path), "--quiet", *extra]

    return make


def meta_set(key, value):
    def change(v):
        v["meta"][key] = value

    return change


def meta_del(key):
    def change(v):
        del v["meta"][key]

    return change


def model_set(key, value):
    def change(v):
        v["model"][key] = value

    return change


def raw_meta(key, value):
    def change(v):
        v["header"]["__metadata__"][key] = value

    return change


def tensor_set(field, value, name="out.bias"):
    def change(v):
        v["header"][name][field] = value

    return change


def scaler(**values):
    def change(v):
        v["meta"]["target_scaler"].update(values)

    return change


def _pipe(folder: Path) -> list[str]:
    data, _ = base()
    os.mkfifo(folder / "pipe.ckpt")
    return ["forecast", str(data), "--load", str(folder / "pipe.ckpt"), "--quiet"]


KEYS = ["strategy", "window", "horizon", "targets", "covariates", "covariate_spec",
        "target_scaler", "scaling", "calendar", "season"]  # fmt: skip


def _million_categories(v) -> None:
    v["meta"]["covariate_spec"]["categorical"] = {"kind": [f"c{k}" for k in range(200_000)]}
    v["meta"]["covariates"] = ["kind"]


def _calendar_off(v) -> None:
    v["meta"]["covariate_spec"]["calendar"] = None


RAW_META = [  # the case, the header's metadata key, the string written over it, the words
    ("format-version-2", "format_version", "2", "format version"),
    ("format-marker-foreign", "format", "someone-else", "not an lstm-tutor checkpoint"),
    ("model-config-not-json", "model_config", "{", "damaged model config"),
    ("metadata-not-json", "metadata", "[[[", "damaged model config or metadata"),
]

CASES: list[Case] = [
    Case(
        "checkpoints",
        "categories-200000",
        tamper(_million_categories),
        ("covariate features", "above"),
    ),
    Case(
        "checkpoints",
        "input-size-disagrees-with-covariates",
        tamper(_calendar_off),
        ("inputs per step",),
    ),
    *[Case("checkpoints", f"missing-{k}", tamper(meta_del(k)), (k, "missing")) for k in KEYS],
    Case("checkpoints", "window-minus-1", tamper(meta_set("window", -1)), ("window",)),
    Case("checkpoints", "window-0", tamper(meta_set("window", 0)), ("window",)),
    Case("checkpoints", "window-text", tamper(meta_set("window", "7")), ("window",)),
    Case("checkpoints", "window-float", tamper(meta_set("window", 7.5)), ("window",)),
    Case("checkpoints", "window-huge", tamper(meta_set("window", 10**12)), ("window",)),
    Case("checkpoints", "horizon-disagrees", tamper(meta_set("horizon", 3)), ("horizon",)),
    Case("checkpoints", "horizon-0", tamper(meta_set("horizon", 0)), ("horizon",)),
    Case(
        "checkpoints",
        "scaler-as-text",
        tamper(meta_set("target_scaler", "standard")),
        ("target_scaler",),
    ),
    Case(
        "checkpoints",
        "scaler-length",
        tamper(scaler(shift=[0.0, 1.0], scale=[1.0, 1.0])),
        ("target_scaler",),
    ),
    Case(
        "checkpoints",
        "scaler-shift-scale-lengths",
        tamper(scaler(shift=[0.0, 1.0])),
        ("target_scaler",),
    ),
    Case("checkpoints", "scale-zero", tamper(scaler(scale=[0])), ("scale", "positive")),
    Case("checkpoints", "scale-negative", tamper(scaler(scale=[-2.0])), ("scale", "positive")),
    Case("checkpoints", "scale-text", tamper(scaler(scale=["1"])), ("scale",)),
    Case("checkpoints", "scale-empty", tamper(scaler(scale=[], shift=[])), ("target_scaler",)),
    Case("checkpoints", "scaler-unknown-kind", tamper(scaler(kind="log")), ("kind",)),
    Case("checkpoints", "season-0", tamper(meta_set("season", 0)), ("season",)),
    Case("checkpoints", "season-negative", tamper(meta_set("season", -7)), ("season",)),
    Case("checkpoints", "season-text", tamper(meta_set("season", "7")), ("season",)),
    Case(
        "checkpoints",
        "covariate-spec-null",
        tamper(meta_set("covariate_spec", None)),
        ("covariate_spec",),
    ),
    Case(
        "checkpoints",
        "covariate-spec-list",
        tamper(meta_set("covariate_spec", [])),
        ("covariate_spec",),
    ),
    Case(
        "checkpoints",
        "covariates-disagree",
        tamper(meta_set("covariates", ["kind"])),
        ("covariates",),
    ),
    Case(
        "checkpoints", "strategy-teleport", tamper(meta_set("strategy", "teleport")), ("strategy",)
    ),
    Case(
        "checkpoints",
        "strategy-wrong-head",
        tamper(meta_set("strategy", "seq2seq")),
        ("strategy", "head"),
    ),
    Case("checkpoints", "targets-empty", tamper(meta_set("targets", [])), ("targets",)),
    Case("checkpoints", "targets-text", tamper(meta_set("targets", "y")), ("targets",)),
    Case("checkpoints", "targets-two", tamper(meta_set("targets", ["y", "z"])), ("target",)),
    Case("checkpoints", "calendar-text", tamper(meta_set("calendar", "yes")), ("calendar",)),
    Case("checkpoints", "scaling-unknown", tamper(meta_set("scaling", "log")), ("scaling",)),
    Case("checkpoints", "hidden-1e9", tamper(model_set("hidden", 10**9)), ("hidden", "limit")),
    Case("checkpoints", "layers-1e6", tamper(model_set("layers", 10**6)), ("layers", "limit")),
    Case("checkpoints", "input-size-1e9", tamper(model_set("input_size", 10**9)), ("input_size",)),
    Case(
        "checkpoints",
        "hidden-disagrees-with-tensors",
        tamper(model_set("hidden", 8)),
        ("does not match", "shapes differ"),
    ),
    Case("checkpoints", "kind-transformer", tamper(model_set("kind", "transformer")), ("kind",)),
    Case(
        "checkpoints",
        "kind-gru-on-lstm-weights",
        tamper(model_set("kind", "gru")),
        ("does not match",),
    ),
    Case("checkpoints", "layers-0", tamper(model_set("layers", 0)), ("layers",)),
    Case(
        "checkpoints",
        "model-config-unknown-key",
        tamper(model_set("attention", True)),
        ("attention",),
    ),
    Case("checkpoints", "model-config-hidden-text", tamper(model_set("hidden", "4")), ("hidden",)),
    Case(
        "checkpoints",
        "offsets-one-number",
        tamper(tensor_set("data_offsets", [0])),
        ("data_offsets",),
    ),
    Case(
        "checkpoints",
        "offsets-negative",
        tamper(tensor_set("data_offsets", [-8, 0])),
        ("data_offsets",),
    ),
    Case(
        "checkpoints",
        "offsets-text",
        tamper(tensor_set("data_offsets", ["0", "8"])),
        ("data_offsets",),
    ),
    Case(
        "checkpoints",
        "offsets-backwards",
        tamper(tensor_set("data_offsets", [1288, 1280])),
        ("data_offsets",),
    ),
    Case(
        "checkpoints",
        "offsets-beyond-file",
        tamper(tensor_set("data_offsets", [10**6, 10**6 + 8])),
        ("truncated",),
    ),
    Case(
        "checkpoints",
        "shape-overflowing",
        tamper(tensor_set("shape", [2**62, 2**62])),
        ("shape needs",),
    ),
    Case("checkpoints", "shape-negative", tamper(tensor_set("shape", [-2])), ("shape",)),
    Case("checkpoints", "dtype-unknown", tamper(tensor_set("dtype", "F128")), ("dtype",)),
    Case(
        "checkpoints",
        "tensor-entry-text",
        tamper(lambda v: v["header"].update({"out.bias": "x"})),
        ("damaged tensor entry",),
    ),
    *[
        Case("checkpoints", name, tamper(raw_meta(key, text)), (words,))
        for name, key, text, words in RAW_META
    ],
    Case(
        "checkpoints",
        "model-config-missing",
        tamper(lambda v: v["header"]["__metadata__"].pop("model_config")),
        ("model_config",),
    ),
    Case(
        "checkpoints",
        "target-replaced",
        replaced(lambda raw: raw, "--target", "x"),
        ("--target x", "checkpoint forecasts y"),
    ),
    Case("checkpoints", "empty-file", replaced(b""), ("truncated or empty",)),
    Case("checkpoints", "four-bytes", replaced(b"\x01\x02\x03\x04"), ("truncated",)),
    Case(
        "checkpoints",
        "huge-header-length",
        replaced(struct.pack("<Q", 2**63) + b"{}"),
        ("not an lstm-tutor checkpoint",),
    ),
    Case(
        "checkpoints",
        "random-bytes",
        replaced(bytes(range(256)) * 8),
        ("not an lstm-tutor checkpoint",),
    ),
    Case(
        "checkpoints",
        "torch-zip-pickle",
        replaced(b"PK\x03\x04" + b"\x00" * 200),
        ("not an lstm-tutor checkpoint",),
    ),
    Case(
        "checkpoints", "truncated-half", replaced(lambda raw: raw[: len(raw) // 2]), ("truncated",)
    ),
    Case(
        "checkpoints",
        "header-list",
        replaced(struct.pack("<Q", 2) + b"[]"),
        ("not an lstm-tutor checkpoint",),
    ),
    Case(
        "checkpoints",
        "missing-file",
        lambda folder: ["forecast", str(base()[0]), "--load", str(folder / "no.ckpt")],
        ("--load", "does not exist"),
    ),
    Case("checkpoints", "named-pipe", _pipe, ("not a regular file",)),
]
