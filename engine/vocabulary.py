"""The engine's vocabulary: every name a caller may choose, written down once.

The CLI's `click.Choice`s, the app's screens, the training lab, job specs and lesson validation
all import their choices from here. No torch, numpy or pandas: `lstm-tutor --help` and
`lstm-tutor lessons ...` import this module and must stay light. A test
(tests/test_vocabulary.py) fails when a second literal list of these names appears elsewhere.
"""

from __future__ import annotations

# --- models ---------------------------------------------------------------------------------

MODEL_KINDS = ("rnn", "lstm", "gru")  # simplest first, as the lessons introduce them
DEFAULT_MODEL_KIND = "lstm"  # what a model, a forecast and the forecast view use unless told
GATE_COUNT = {"rnn": 1, "lstm": 4, "gru": 3}  # weight blocks stacked per cell kind
HEADS = ("direct", "one_step", "seq2seq")  # engine.models.ModelConfig.head

# --- training -------------------------------------------------------------------------------

OPTIMIZERS = ("adam", "sgd")
LOSSES = ("mse", "huber", "mae")
DEVICES = ("auto", "cpu", "cuda", "mps")
DEFAULT_DEVICE = "auto"  # the CPU unless a GPU is there; the CLI, jobs and forecasts agree

# --- forecasting ----------------------------------------------------------------------------

STRATEGIES = ("direct", "recursive", "seq2seq")
STRATEGY_HEADS = {"direct": "direct", "recursive": "one_step", "seq2seq": "seq2seq"}
SCALINGS = ("standard", "minmax")  # how a forecast scales its series
SCALER_KINDS = (*SCALINGS, "none")  # engine.scaling.Scaler also passes values through
# how a forecast presents each window to the network: auto (chosen on the holdout), level (the
# window minus its last value, over its own scale), seasonal (the same, predicting the change
# from seasonal naive), global (one scaler fitted on the training rows, the pre-0.2 behaviour)
INPUT_MODES = ("level", "seasonal", "global")
INPUTS = ("auto", *INPUT_MODES)
# the baselines every forecast is scored beside and may fall back to (or be averaged with)
BASELINE_TITLES = {
    "naive": "naive",
    "seasonal_naive": "seasonal naive",
    "drift": "drift",
    "seasonal_drift": "seasonal naive with drift",  # only for seasonal data
}
FILLS = ("interpolate", "ffill")  # how gaps and missing values may be filled
DATASETS = ("transit", "sine")  # built-in series; transit is the default
DEFAULT_DATASET = "transit"
DATASET_TITLES = {"transit": "transit (Chicago)", "sine": "sine wave"}

# --- jobs (engine.job_spec holds their keys, defaults and limits) ----------------------------

JOB_TASKS = ("maxmin", "sine", "forget_bias", "forecast", "gradient_norms")
JOB_TASK_TITLES = {  # the tasks the training lab offers, as it names them
    "maxmin": "max–min, sequences of 60 (seed 004)",
    "sine": "sine wave, window 40 (seed 003)",
    "forget_bias": "LSTM forget-gate bias 0 vs 1 (seed 004)",
}
