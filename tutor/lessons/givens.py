"""A lesson's `givens:` as arrays: fixed numbers as written, `random:` drawn per learner."""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np
from pydantic import ValidationError

from tutor.lessons.schema import RandomGiven, RandomSpec

MAX_GIVEN_SIZE = 4096
MAX_RANDOM_MAGNITUDE = 1e9  # integers beyond 2**63 make numpy fail; floats this big are no lesson


class GivenError(ValueError):
    """A given that is not a number, a rectangular nested list or a valid `random:` spec."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where  # key path inside the given, for file:line:col


def given_value(lesson_id: str, name: str, raw: Any, seed: int) -> np.ndarray:
    """The float64 array a given stands for, for the learner with `seed`."""
    if isinstance(raw, dict):
        try:
            spec = RandomGiven.model_validate(raw).random
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = tuple(first["loc"])
            where = ".".join(str(p) for p in loc)
            if first["type"] == "extra_forbidden":
                from tutor.lessons.suggest import did_you_mean

                hint = did_you_mean(str(loc[-1]), RandomSpec.model_fields)
                raise GivenError(f'unknown key "{loc[-1]}" in random{hint}', loc) from None
            raise GivenError(f"{where}: {first['msg']}", loc) from None
        return draw(spec, seed, f"{lesson_id}/{name}")
    if isinstance(raw, bool) or raw is None or isinstance(raw, str):
        raise GivenError(
            f"expected a number, a nested list of numbers or {{random: ...}}, got {raw!r}"
        )
    try:
        array = np.asarray(raw, dtype=np.float64)
    except (ValueError, TypeError):
        raise GivenError(
            "expected a number or a rectangular nested list of numbers (rows of equal length)"
        ) from None
    except OverflowError:
        raise GivenError("holds a number too large for float64 (beyond about 1.8e308)") from None
    if array.size > MAX_GIVEN_SIZE:
        raise GivenError(f"has {array.size} numbers; at most {MAX_GIVEN_SIZE} are allowed")
    if not np.all(np.isfinite(array)):
        raise GivenError("contains a non-finite number (inf or nan)")
    return array


def draw(spec: RandomSpec, seed: int, key: str) -> np.ndarray:
    """Numbers stable for one (seed, lesson, given) and different between seeds."""
    # crc32, not hash(): Python salts str hashes per process, and a learner's numbers must not
    # change between runs.
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode())])
    shape = tuple(spec.shape)
    if math.prod(shape) > MAX_GIVEN_SIZE:  # Python ints: numpy's int64 product can wrap to 0
        raise GivenError(f"shape {list(shape)} holds more than {MAX_GIVEN_SIZE} numbers")
    if spec.distribution == "normal":
        values = rng.normal(spec.mean, spec.std, size=shape)
    else:
        low, high = spec.range if spec.range is not None else (-1.0, 1.0)
        if high < low:
            raise GivenError(f"range [{low}, {high}] is empty; write [low, high]")
        if max(abs(low), abs(high)) > MAX_RANDOM_MAGNITUDE:
            raise GivenError(
                f"range [{low:g}, {high:g}] reaches beyond ±{MAX_RANDOM_MAGNITUDE:g}; "
                "lesson numbers must stay readable"
            )
        if spec.distribution == "integers":
            values = rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape)
        else:
            values = rng.uniform(low, high, size=shape)
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise GivenError("the drawn numbers are not finite; use a smaller mean, std or range")
    if spec.decimals is not None:
        values = np.round(values, spec.decimals)
    return values
