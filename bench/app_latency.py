"""How responsive the app stays while three models train, and how fast ctrl+q ends it.

    nice -n 10 python bench/app_latency.py [--keys 60] [--quits 3]

The real `lstm-tutor` runs in a pseudo-terminal of 80x24, exactly as in a terminal window.
1. Keypress to screen: the lab with RNN, LSTM and GRU training (max-min task, 1000 epochs so
   it outlasts the measurement); each key types a digit into the epochs field, timed from
   writing the key to the pty until the field's new text appears in the app's output.
   The same with nothing training, for reference. Target < 100 ms.
2. ctrl+q during training: the time from writing ctrl+q to the process exiting. Target < 1 s.
Prints one table; wall-clock numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_until(fd: int, needle: bytes, timeout: float) -> bool:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            seen = (seen + chunk)[-200_000:]
            if needle in seen:
                return True
    return False


def drain(fd: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


class AppInPty:
    """`lstm-tutor` in a pseudo-terminal of 80x24, with a throwaway learner data folder."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env["LSTM_TUTOR_DATA_DIR"] = tempfile.mkdtemp(prefix="lstm-tutor-bench-")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(sys.executable, [sys.executable, "-m", "tutor.cli"], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.expect(b"Forecast", 60, "the app did not start")
        drain(self.fd, 1.0)

    def expect(self, needle: bytes, timeout: float, problem: str) -> None:
        if not read_until(self.fd, needle, timeout):
            raise RuntimeError(problem)

    def press(self, data: bytes) -> float:
        start = time.perf_counter()
        os.write(self.fd, data)
        return start

    def start_training(self) -> None:
        """Lab, all three models, 1000 epochs (so it outlasts the measurement), ctrl+s."""
        self.press(b"l")
        self.expect(b"Start", 30, "the lab did not open")
        drain(self.fd, 0.5)
        self.press(b"\t" * 6)  # task, RNN, LSTM, GRU, hidden, epochs
        drain(self.fd, 0.5)
        self.press(b"\x7f1000")  # epochs 10 -> 1000 (focus selected the 10)
        drain(self.fd, 0.5)
        self.press(b"\x1b[Z")  # shift+tab: back to the hidden field
        drain(self.fd, 0.3)
        self.press(b"20")  # focus selected its text: typing replaces it
        drain(self.fd, 0.5)
        self.press(b"\x13")  # ctrl+s
        self.expect(b"epoch", 60, "training did not start")
        drain(self.fd, 2.0)  # well under way

    def close(self) -> None:
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def key_latencies(n_keys: int, train: bool) -> list[float]:
    """Type digits into the lab's hidden-units field; each is timed until it is drawn.

    Textual redraws the whole field when its text changes, so the field's new text (20 then
    201, 2012, ...) appearing in the output means this key's effect reached the screen.
    """
    app = AppInPty()
    times: list[float] = []
    try:
        if train:
            app.start_training()
        else:
            app.press(b"l")
            app.expect(b"Start", 30, "the lab did not open")
            drain(app.fd, 0.5)
            app.press(b"\t" * 5)  # the hidden field
            drain(app.fd, 0.3)
            app.press(b"20")  # focus selected its text: typing replaces it
            drain(app.fd, 0.5)
        value = "20"
        for i in range(n_keys):
            if len(value) >= 7:  # the field is 8 wide: back to 20
                app.press(b"\x7f" * (len(value) - 2))
                value = "20"
                drain(app.fd, 0.3)
            digit = "123456789"[i % 9]
            value += digit
            start = app.press(digit.encode())
            app.expect(value.encode(), 10, f"{value} never appeared")
            times.append(time.perf_counter() - start)
            drain(app.fd, 0.1)  # a typist's pace
    finally:
        app.close()
    return times


def quit_seconds() -> float:
    """Training in the lab, then the time from writing ctrl+q to the process exiting."""
    app = AppInPty()
    app.start_training()
    start = app.press(b"\x11")  # ctrl+q
    while not os.waitpid(app.pid, os.WNOHANG)[0]:
        drain(app.fd, 0.01)
        if time.perf_counter() - start > 30:
            app.close()
            return float("inf")
    elapsed = time.perf_counter() - start
    os.close(app.fd)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=60, help="keypresses to time")
    parser.add_argument("--quits", type=int, default=3, help="ctrl+q runs to time")
    args = parser.parse_args()
    os.environ.setdefault("LSTM_TUTOR_DATA_DIR", tempfile.mkdtemp(prefix="lstm-tutor-bench-"))
    idle = key_latencies(args.keys // 2, train=False)
    keys = key_latencies(args.keys, train=True)
    quits = [quit_seconds() for _ in range(args.quits)]
    rows = [
        ("keypress to screen, nothing training", idle, 0.100),
        ("keypress to screen, 3 models training", keys, 0.100),
        ("ctrl+q during training to exit", quits, 1.0),
    ]
    print(f"{'measure':<40} {'n':>4} {'median':>9} {'worst':>9} {'target':>8}")
    for name, values, target in rows:
        med, worst = statistics.median(values), max(values)
        ok = "ok" if worst < target else "MISSED"
        print(
            f"{name:<40} {len(values):>4} {med * 1000:>7.1f}ms {worst * 1000:>7.1f}ms "
            f"{target * 1000:>6.0f}ms {ok}"
        )


if __name__ == "__main__":
    main()
