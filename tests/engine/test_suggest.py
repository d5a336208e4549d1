"""One did-you-mean for the engine: closest match at cutoff 0.7, and the choice message."""

import pytest

from engine.models import ModelConfig
from engine.suggest import choice_problem, closest, did_you_mean
from engine.train import TrainConfig


def test_closest_uses_the_project_cutoff():
    assert closest("hiden", ["hidden", "layers"]) == "hidden"
    assert closest("yy", ["y", "day"]) is None  # 0.67 < 0.7
    assert closest("yy", ["y", "day"], cutoff=0.6) == "y"
    assert did_you_mean("lsmt", ("rnn", "lstm", "gru")) == " (did you mean 'lstm'?)"
    assert did_you_mean("zzz", ("rnn", "lstm", "gru")) == ""


def test_choice_problem_names_the_value_and_the_choices():
    assert choice_problem("loss", "mse", ("mse", "mae")) is None
    assert choice_problem("loss", "hubr", ("mse", "huber")) == (
        "loss must be one of mse, huber, not 'hubr' (did you mean 'huber'?)"
    )


def test_configs_use_it():
    with pytest.raises(ValueError, match=r"optimizer must be one of adam, sgd, not 'adma' \(did"):
        TrainConfig(optimizer="adma")
    with pytest.raises(ValueError, match=r"kind must be one of rnn, lstm, gru, not 'lstn' \(did"):
        ModelConfig(kind="lstn")
