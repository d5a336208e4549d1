"""The candidates the holdout chooses among: each input mode's networks (their seeds averaged),
and, with several modes, all the networks averaged (a small ensemble).

A candidate is scored by its holdout forecasts alone; a new kind (a classical model, a
combination) joins by adding to the list `network_candidates` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.forecast.networks import Network


@dataclass(frozen=True)
class Candidate:
    """A forecaster the holdout can choose: its name and the networks whose average it is."""

    name: str  # level | seasonal | global | ensemble
    members: tuple[Network, ...]

    @property
    def holdout(self) -> np.ndarray:
        """Its holdout forecasts (M, h, T): the members' average."""
        return np.mean([n.holdout for n in self.members], axis=0)


def network_candidates(networks: list[Network], loaded: bool = False) -> list[Candidate]:
    """One candidate per input mode, and with several the ensemble of every network; a loaded
    checkpoint's networks forecast together, as they were saved."""
    by_mode: dict[str, list[Network]] = {}
    for n in networks:
        by_mode.setdefault(n.mode, []).append(n)
    if loaded:
        name = "ensemble" if len(by_mode) > 1 else networks[0].mode
        return [Candidate(name, tuple(networks))]
    out = [Candidate(mode, tuple(ms)) for mode, ms in by_mode.items()]
    if len(by_mode) > 1:
        out.append(Candidate("ensemble", tuple(networks)))
    return out
