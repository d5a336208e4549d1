"""Hard upper bounds on what a forecast may ask for, and a checkpoint may declare.

Torch-free and small: engine.forecast.config checks options against these before any work
starts (`--hidden 200000` would otherwise try to allocate 640 GB), and engine.checkpoint_schema
refuses checkpoints declaring more (a 3 KB file saying `hidden: 10**9`). One set of numbers, so
a model this tool trained can always be loaded again.
"""

from __future__ import annotations

MAX_HIDDEN = 1024  # units per layer; 8 layers of 1024 bidirectional LSTM ≈ 0.5 GB of weights
MAX_LAYERS = 8
MAX_WINDOW = 10_000  # past steps per window
MAX_HORIZON = 10_000  # steps forecast
MAX_EPOCHS = 100_000
MAX_BATCH = 1_000_000
MAX_INPUT = 10_000  # features per step (targets + covariate features)
MAX_TARGETS = 1_000
MAX_SEASON = 100_000
MAX_THREADS = 1_024
MAX_SEEDS = 5  # networks per input mode: 3 modes x 5 seeds fit a checkpoint's 16 members
MAX_MEMBERS = 16  # networks one checkpoint holds (an ensemble's)
MAX_SEED = 2**32 - 1  # numpy's legacy RandomState and every torch generator accept 0..2**32-1
LR_MAX = 10.0  # learning rates above this only diverge
