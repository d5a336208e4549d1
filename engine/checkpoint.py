"""Checkpoints: a model's weights plus everything needed to forecast again, in one safetensors file.

The weights are safetensors tensors; the rest (model config, scalers, columns, window, horizon,
frequency, covariate categories, versions) is JSON stored as strings in the safetensors header's
`__metadata__`, beside a format marker and version. Loading parses that header ourselves and then
reads plain tensors: nothing in the file is ever executed (no pickle, no torch.load). Keys and
shapes are checked against the model config before `load_state_dict(strict=True)`. Files are
written to a temporary file in the same folder and moved into place with os.replace, so a crash
never leaves half a checkpoint under the real name.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from collections.abc import Callable
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from engine import limits
from engine.checkpoint_schema import model_config_problems, shape_problems
from engine.files import file_kind
from engine.models import Forecaster, ModelConfig, build_model

FORMAT = "lstm-tutor-checkpoint"  # the file format; callers may keep their own "format" key
FORMAT_VERSION = 1
_MAX_HEADER = 100 * 1024 * 1024
MAX_MEMBERS = limits.MAX_MEMBERS  # an ensemble's networks in one file


class CheckpointError(ValueError):
    """A checkpoint cannot be written or read; the message says which file and why."""


def _json_default(o: Any) -> Any:
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"{type(o).__name__} is not JSON-serialisable")


def _versions() -> dict[str, str]:
    try:
        ours = importlib_metadata.version("lstm-tutor")
    except importlib_metadata.PackageNotFoundError:
        ours = "unknown"
    return {"lstm-tutor": ours, "torch": torch.__version__, "numpy": np.__version__}


# --- saving -------------------------------------------------------------------------------


def save(
    path: str | os.PathLike,
    model: Forecaster | list[Forecaster],
    metadata: dict | None = None,
) -> Path:
    """Write `model` and `metadata` (JSON-serialisable; numpy arrays become lists) to `path`.

    The model's config is stored as `model_config` (a `model_config` in `metadata` must equal
    it) and library versions under `versions` (merged with any the caller gives). A list of
    models of one config (an ensemble) stores the first as a single model is stored and the
    others' tensors under `member1.`, `member2.`, ...; `load_members` reads them all back.
    """
    path = Path(path)
    models = list(model) if isinstance(model, list | tuple) else [model]
    if not 1 <= len(models) <= MAX_MEMBERS:
        raise CheckpointError(f"a checkpoint holds 1 to {MAX_MEMBERS} models, not {len(models)}")
    model = models[0]
    config = getattr(model, "config", None)
    if not isinstance(config, ModelConfig):
        raise CheckpointError("only engine.models models (with a ModelConfig) can be checkpointed")
    if any(getattr(m, "config", None) != config for m in models[1:]):
        raise CheckpointError("an ensemble's models must share one model config")
    user = dict(metadata or {})
    given = user.pop("model_config", None)
    if given is not None and ModelConfig.from_dict(dict(given)) != config:
        raise CheckpointError("metadata's model_config differs from the model's own config")
    versions = {**_versions(), **dict(user.pop("versions", None) or {})}
    try:
        meta_json = json.dumps(user, default=_json_default)
        versions_json = json.dumps(versions, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"checkpoint metadata cannot be stored as JSON: {exc}") from None
    header = {
        "format": FORMAT,
        "format_version": str(FORMAT_VERSION),
        "model_config": json.dumps(config.to_dict()),
        "versions": versions_json,
        "metadata": meta_json,
    }
    if len(models) > 1:
        header["members"] = str(len(models))
    tensors = {}
    for i, m in enumerate(models):
        prefix = f"member{i}." if i else ""
        tensors.update(
            # a copy each: safetensors refuses two names for one storage (a model given twice)
            {prefix + k: v.detach().cpu().clone() for k, v in m.state_dict().items()}
        )
    blob = st_save(tensors, metadata=header)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CheckpointError(f"cannot save checkpoint {path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CheckpointError(f"cannot save checkpoint {path}: {exc.strerror or exc}") from None
    return path


# --- loading ------------------------------------------------------------------------------


def _read(path: str | os.PathLike) -> tuple[Path, bytes]:
    path = Path(path)
    try:
        kind = file_kind(path)
        if kind == "missing":
            raise CheckpointError(f"no checkpoint at {path}: check the path (save one with `save`)")
        if kind == "folder":
            raise CheckpointError(f"{path} is a folder, not a checkpoint file")
        if kind == "special":  # reading a named pipe would block forever
            raise CheckpointError(f"{path} is not a regular file (a pipe or a device?)")
        return path, path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc.strerror or exc}") from None


def _header(path: Path, raw: bytes) -> dict:
    """The safetensors JSON header, checked for truncation before any tensor is read."""
    if len(raw) < 8:
        raise CheckpointError(f"{path} is truncated or empty ({len(raw)} bytes): save it again")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > _MAX_HEADER or n < 2:
        raise CheckpointError(
            f"{path} is not an lstm-tutor checkpoint (not a safetensors file); "
            "save one with `save` or engine.checkpoint.save"
        )
    if 8 + n > len(raw):
        raise CheckpointError(
            f"{path} is truncated or not an lstm-tutor checkpoint: its header needs {8 + n} "
            f"bytes, the file has {len(raw)}"
        )
    try:
        header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckpointError(
            f"{path} is not an lstm-tutor checkpoint (its header is not safetensors JSON)"
        ) from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{path} is not an lstm-tutor checkpoint (unexpected header)")
    data_len = len(raw) - 8 - n
    entries = {k: t for k, t in header.items() if k != "__metadata__"}
    for name, entry in entries.items():
        problem = _entry_problem(entry)
        if problem:
            raise CheckpointError(f"{path} has a damaged tensor entry {name!r}: {problem}")
    ends = [t["data_offsets"][1] for t in entries.values()]
    if ends and max(ends) > data_len:
        raise CheckpointError(
            f"{path} is truncated: its tensors need {max(ends)} bytes of data, "
            f"the file holds {data_len}; save it again"
        )
    return header


_ITEMSIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
             "U8": 1, "BOOL": 1}  # fmt: skip


def _entry_problem(entry: Any) -> str | None:
    """A header entry: dtype, shape and data_offsets of the right types, and agreeing.

    Python ints throughout, so a shape of [2**40, 2**40] cannot wrap around to a small size.
    """
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        return "expected exactly dtype, shape and data_offsets"
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in _ITEMSIZE:
        return f"unknown dtype {dtype!r}"
    if not isinstance(shape, list) or len(shape) > 8 or not all(_count(d) for d in shape):
        return f"shape must be a list of non-negative integers, not {shape!r}"
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_count(o) for o in offsets)):
        return f"data_offsets must be two non-negative integers, not {offsets!r}"
    size = _ITEMSIZE[dtype]
    for d in shape:
        size *= d
    if offsets[1] - offsets[0] != size:
        return f"data_offsets {offsets} hold {offsets[1] - offsets[0]} bytes, shape needs {size}"
    return None


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _metadata(path: Path, raw: bytes) -> tuple[ModelConfig, dict]:
    meta = _header(path, raw).get("__metadata__") or {}
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} is a safetensors file but not an lstm-tutor checkpoint (no "
            f"'{FORMAT}' marker); it was written by another program"
        )
    try:
        version = int(meta.get("format_version", ""))
    except ValueError:
        version = -1
    if not 1 <= version <= FORMAT_VERSION:
        raise CheckpointError(
            f"{path} has checkpoint format version {meta.get('format_version')!r}; this lstm-tutor "
            f"reads version {FORMAT_VERSION} (upgrade lstm-tutor, or train and save again)"
        )
    try:
        stored = json.loads(meta["model_config"])
        if not isinstance(stored, dict):
            raise ValueError("model_config is not a JSON object")
        too_big = model_config_problems(stored)
        if too_big:
            raise ValueError("; ".join(too_big))
        config = ModelConfig.from_dict(stored)
        user = json.loads(meta.get("metadata", "{}"))
        versions = json.loads(meta.get("versions", "{}"))
    except KeyError as exc:
        raise CheckpointError(f"{path} has no {exc} in its metadata") from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise CheckpointError(f"{path} has a damaged model config or metadata: {exc}") from None
    user = dict(user) if isinstance(user, dict) else {"value": user}
    user["model_config"] = config.to_dict()
    user["versions"] = versions
    return config, user


def read_metadata(path: str | os.PathLike) -> dict:
    """The checkpoint's metadata (with model_config and versions), without building the model."""
    path, raw = _read(path)
    return _metadata(path, raw)[1]


def load(
    path: str | os.PathLike,
    device: str | torch.device = "cpu",
    check: Callable[[dict], list[str]] | None = None,
) -> tuple[Forecaster, dict]:
    """The model (eval mode) and its metadata, which also holds model_config and versions.

    Before anything is built: the config's sizes are bounded, the header's tensor shapes must
    be those the config implies, and `check(metadata)` (the caller's schema) must find nothing.
    An ensemble's file gives its first model here (load_members gives them all).
    """
    models, metadata = load_members(path, device, check)
    return models[0], metadata


def load_members(
    path: str | os.PathLike,
    device: str | torch.device = "cpu",
    check: Callable[[dict], list[str]] | None = None,
) -> tuple[list[Forecaster], dict]:
    """Every model the file holds (one, or an ensemble's members) and the metadata; the same
    checks as `load`, for each member."""
    path, raw = _read(path)
    header = _header(path, raw)
    config, metadata = _metadata(path, raw)
    problems = check(metadata) if check is not None else []
    if problems:
        raise CheckpointError(f"{path} has invalid metadata: " + "; ".join(problems))
    count = _member_count(path, header)
    declared = {k: t["shape"] for k, t in header.items() if k != "__metadata__"}
    groups = [_member_tensors(declared, i) for i in range(count)]
    if sum(len(g) for g in groups) != len(declared):
        stray = sorted(set(declared) - {k for i in range(count) for k in _member_keys(declared, i)})
        raise CheckpointError(f"{path} has tensors no member owns: {', '.join(stray[:5])}")
    for i, group in enumerate(groups):
        parts = shape_problems(config, group)
        if parts:
            member = f" (member {i})" if count > 1 else ""
            raise CheckpointError(
                f"{path}{member} does not match its own model config ({config.kind}, hidden "
                f"{config.hidden}, {config.layers} layer(s), head {config.head}): "
                + " | ".join(parts)
            )
    try:
        tensors = st_load(raw)
    except Exception as exc:  # safetensors raises its own error type for damaged data
        raise CheckpointError(f"{path} has damaged tensor data: {exc}") from None

    models = []
    for i in range(count):
        model = build_model(config)  # names and shapes were checked against the header above
        model.load_state_dict(_member_tensors(tensors, i), strict=True)
        model.to(device)
        model.eval()
        models.append(model)
    return models, metadata


def _member_count(path: Path, header: dict) -> int:
    raw = (header.get("__metadata__") or {}).get("members", "1")
    try:
        count = int(raw)
    except (TypeError, ValueError):
        count = -1
    if not 1 <= count <= MAX_MEMBERS:
        raise CheckpointError(
            f"{path} declares {str(raw)[:20]!r} ensemble members; a checkpoint holds 1 to "
            f"{MAX_MEMBERS}"
        )
    return count


def _member_keys(entries: dict, i: int) -> list[str]:
    if i:
        return [k for k in entries if k.startswith(f"member{i}.")]
    return [k for k in entries if not k.startswith("member")]


def _member_tensors(entries: dict, i: int) -> dict:
    """Member i's entries with its prefix taken off (member 0 has none)."""
    cut = len(f"member{i}.") if i else 0
    return {k[cut:]: entries[k] for k in _member_keys(entries, i)}
