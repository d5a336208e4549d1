"""Per-column scalers fitted on the training part only, inverted for every number a user sees."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.suggest import choice_problem
from engine.vocabulary import SCALER_KINDS


@dataclass
class Scaler:
    """x_scaled = (x - shift) / scale, column by column (the last axis)."""

    kind: str
    shift: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray, kind: str = "standard") -> Scaler:
        bad_kind = choice_problem("scaling", kind, SCALER_KINDS)
        if bad_kind:
            raise ValueError(bad_kind)
        x = np.asarray(x, dtype=np.float64).reshape(-1, np.shape(x)[-1])
        if kind == "standard":
            shift, scale = x.mean(axis=0), x.std(axis=0)
        elif kind == "minmax":
            shift, scale = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
        else:
            shift, scale = np.zeros(x.shape[1]), np.ones(x.shape[1])
        # a constant column would divide by zero; leave its spread alone
        scale = np.where(scale > 0, scale, 1.0)
        return cls(kind, shift, scale)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.shift) / self.scale

    def inverse(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) * self.scale + self.shift

    def to_dict(self) -> dict:
        return {"kind": self.kind, "shift": self.shift.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Scaler:
        return cls(d["kind"], np.asarray(d["shift"], float), np.asarray(d["scale"], float))
