"""Every test gets its own learner data directory: nothing touches the real user's progress."""

import pytest


@pytest.fixture(autouse=True)
def isolated_learner_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "learner-data"
    monkeypatch.setenv("LSTM_TUTOR_DATA_DIR", str(data_dir))
    return data_dir
