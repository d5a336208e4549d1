"""Does a change leave `lstm-tutor forecast` saying and writing exactly what it did before?

    python bench/same_output.py DIR              record every case into DIR (one JSON per case)
    python bench/same_output.py --compare A B    table of cases, same/different; exit 1 on any
                                                 difference (or a case only one side has)

Two kinds of case:
- every `forecast` invocation the existing CLI tests make (tests/tutor/test_cli_forecast*.py,
  the robustness corpus, whose csv/options/checkpoints families call it, and tests/robustness/
  test_cli_errors.py): pytest runs those files with this module as a plugin that wraps
  click's CliRunner.invoke and records each `forecast` call (the tests' own assertions still
  run, but pass or fail they do not change what is recorded);
- the cases of EXTRA below (formats, --out, intervals, backtests, save/load, strategies,
  covariates, --future, --no-fallback, --seeds, errors and their exit codes) on small
  generated series, run in this process through CliRunner.

Per case: the arguments, exit code, stdout, stderr, the type of an escaped exception, and the
bytes of each file the case wrote (--out, --save, --export-data): text as text, anything else
as its SHA-256.

Normalized, because it differs from run to run whatever the code does:
- a checkpoint (safetensors) is recorded as its header parsed and sorted, and the SHA-256 of its
  tensor bytes: the safetensors writer puts the metadata's keys in hash-map order, different on
  every run;
- temporary paths: pytest's base folder (--basetemp, in a fresh temporary folder) is written
  `<basetemp>`; a folder made by tempfile.mkdtemp under the run's TMPDIR (random name) is
  written `<tmp-K>`, K its order of appearance in the case; the EXTRA cases' folder `<data>`.
Nothing else is: the CLI prints no wall times with --quiet (every case here is quiet or not a
terminal, so no progress bar), and training is seeded, so a difference is a difference.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_FILES = [
    "tests/tutor/test_cli_forecast.py",
    "tests/tutor/test_cli_forecast_auto.py",
    "tests/tutor/test_cli_forecast_fields.py",
    "tests/tutor/test_cli_forecast_range.py",
    "tests/robustness/test_cli_errors.py",
    "tests/robustness/test_corpus.py",
]
OUTPUT_FLAGS = ("--out", "--save", "--export-data")
ENV_DIR = "SAME_OUTPUT_DIR"  # where the plugin records; set only for the pytest run
ENV_BASE = "SAME_OUTPUT_BASETEMP"

TINY = ["--hidden", "4", "--epochs", "2", "--window", "14", "--horizon", "3", "--quiet"]
MONTHLY = ["--hidden", "4", "--epochs", "2", "--window", "12", "--horizon", "4", "--quiet"]
# name -> arguments after `forecast`; {d} is the data folder. Run in this order (a --load case
# reads what an earlier --save case wrote).
EXTRA: dict[str, list[str]] = {
    "daily_table": ["{d}/daily.csv", *TINY],
    "daily_json": ["{d}/daily.csv", *TINY, "--format", "json"],
    "daily_csv": ["{d}/daily.csv", *TINY, "--format", "csv"],
    "daily_out_csv": ["{d}/daily.csv", *TINY, "--out", "{d}/out_daily.csv"],
    "daily_out_json": ["{d}/daily.csv", *TINY, "--out", "{d}/out_daily.json", "--format", "csv"],
    "daily_interval": ["{d}/daily.csv", *TINY, "--interval", "80", "--format", "json"],
    "daily_two_intervals": ["{d}/daily.csv", *TINY, "--interval", "50", "--interval", "95"],
    "daily_interval_csv": ["{d}/daily.csv", *TINY, "--interval", "90", "--format", "csv"],
    "daily_no_fallback": ["{d}/daily.csv", *TINY, "--no-fallback", "--format", "json"],
    "daily_seeds_1": ["{d}/daily.csv", *TINY, "--seeds", "1", "--format", "json"],
    "daily_seeds_3": ["{d}/daily.csv", *TINY, "--seeds", "3", "--interval", "80"],
    "daily_recursive": ["{d}/daily.csv", *TINY, "--strategy", "recursive", "--format", "json"],
    "daily_seq2seq": ["{d}/daily.csv", *TINY, "--strategy", "seq2seq", "--format", "json"],
    "daily_gru": ["{d}/daily.csv", *TINY, "--model", "gru", "--format", "json"],
    "daily_inputs_level": ["{d}/daily.csv", *TINY, "--inputs", "level", "--format", "json"],
    "daily_inputs_seasonal": ["{d}/daily.csv", *TINY, "--inputs", "seasonal"],
    "daily_no_refit": ["{d}/daily.csv", *TINY, "--no-refit", "--format", "json"],
    "daily_test_start": ["{d}/daily.csv", *TINY, "--test-start", "2024-04-01"],
    "daily_save": ["{d}/daily.csv", *TINY, "--interval", "80", "--save", "{d}/daily.ckpt"],
    "daily_load": ["{d}/daily.csv", "--load", "{d}/daily.ckpt", "--interval", "80", "--quiet"],
    "daily_load_json": ["{d}/daily.csv", "--load", "{d}/daily.ckpt", "--format", "json"],
    "daily_load_interval_csv": [
        "{d}/daily.csv", "--load", "{d}/daily.ckpt", "--interval", "80", "--format", "csv",
    ],
    "daily_backtest": ["{d}/daily.csv", *TINY, "--backtest", "2"],
    "daily_backtest_json": ["{d}/daily.csv", *TINY, "--backtest", "2", "--format", "json"],
    "daily_backtest_interval_csv": [
        "{d}/daily.csv", *TINY, "--backtest", "2", "--interval", "80", "--format", "csv",
    ],
    "daily_backtest_out": [
        "{d}/daily.csv", *TINY, "--backtest", "2", "--out", "{d}/out_backtest.json",
    ],
    "covariate_future": [
        "{d}/cov.csv", *TINY, "--target", "y", "--covariate", "kind", "--future", "{d}/fut.csv",
        "--format", "json",
    ],
    "daily_end": ["{d}/daily.csv", *TINY, "--end", "2024-04-29", "--interval", "80"],
    "err_covariate_gap": [
        "{d}/cov_long.csv", *TINY, "--target", "y", "--covariate", "kind", "--end", "2024-04-29",
    ],
    "covariate_save": [
        "{d}/cov.csv", *TINY, "--target", "y", "--covariate", "kind", "--future", "{d}/fut.csv",
        "--save", "{d}/cov.ckpt",
    ],
    "covariate_load": [
        "{d}/cov.csv", "--load", "{d}/cov.ckpt", "--future", "{d}/fut.csv", "--quiet",
        "--format", "json",
    ],
    "two_targets": ["{d}/two.csv", *TINY, "--target", "a", "--target", "b", "--interval", "80"],
    "two_targets_json": ["{d}/two.csv", *TINY, "--format", "json"],
    "monthly": ["{d}/monthly.csv", *MONTHLY, "--interval", "80", "--format", "json"],
    "monthly_table": ["{d}/monthly.csv", *MONTHLY],
    "monthly_backtest_csv": ["{d}/monthly.csv", *MONTHLY, "--backtest", "2", "--format", "csv"],
    "hourly_json": [
        "{d}/hourly.csv", "--hidden", "4", "--epochs", "1", "--window", "24", "--horizon", "6",
        "--quiet", "--format", "json", "--interval", "80",
    ],
    "hourly_csv": [
        "{d}/hourly.csv", "--hidden", "4", "--epochs", "1", "--window", "24", "--horizon", "6",
        "--quiet", "--format", "csv",
    ],
    "short_series": ["{d}/short.csv", "--horizon", "3", "--quiet", "--format", "json"],
    "short_series_table": ["{d}/short.csv", "--horizon", "3", "--quiet", "--interval", "80"],
    "builtin_sine": ["--dataset", "sine", *TINY, "--format", "json"],
    "export_data": ["--export-data", "{d}/exported.csv", "--dataset", "transit"],
    # --no-fallback: the network forecasts (and is refit) even where a baseline scored better
    "nofb_interval_save": [
        "{d}/daily.csv", *TINY, "--no-fallback", "--interval", "80", "--save", "{d}/nofb.ckpt",
    ],
    "nofb_load": [
        "{d}/daily.csv", "--load", "{d}/nofb.ckpt", "--interval", "80", "--format", "json",
    ],
    "nofb_backtest": [
        "{d}/daily.csv", *TINY, "--no-fallback", "--backtest", "2", "--interval", "80",
    ],
    "nofb_two_targets": [
        "{d}/two.csv", *TINY, "--target", "a", "--target", "b", "--no-fallback", "--interval", "80",
        "--format", "json",
    ],
    "nofb_monthly": ["{d}/monthly.csv", *MONTHLY, "--no-fallback", "--interval", "80"],
    "nofb_hourly": [
        "{d}/hourly.csv", "--hidden", "4", "--epochs", "1", "--window", "24", "--horizon", "6",
        "--quiet", "--format", "csv", "--interval", "80", "--no-fallback",
    ],
    "nofb_covariate": [
        "{d}/cov.csv", *TINY, "--target", "y", "--covariate", "kind", "--future", "{d}/fut.csv",
        "--no-fallback", "--interval", "80", "--format", "json",
    ],
    "err_missing_csv": ["{d}/nope.csv", *TINY],
    "err_bad_out_suffix": ["{d}/daily.csv", *TINY, "--out", "{d}/x.txt"],
    "err_save_and_load": ["{d}/daily.csv", "--save", "{d}/a.ckpt", "--load", "{d}/daily.ckpt"],
    "err_backtest_save": ["{d}/daily.csv", *TINY, "--backtest", "2", "--save", "{d}/b.ckpt"],
    "err_unknown_target": ["{d}/daily.csv", *TINY, "--target", "zzz"],
    "err_load_wrong_target": ["{d}/two.csv", "--load", "{d}/daily.ckpt", "--target", "a"],
    "err_load_missing": ["{d}/daily.csv", "--load", "{d}/missing.ckpt"],
    "err_too_many_cutoffs": ["{d}/daily.csv", *TINY, "--backtest", "60"],
    "err_horizon_zero": ["{d}/daily.csv", "--horizon", "0", "--quiet"],
    "noise_inputs_seasonal": ["{d}/noseason.csv", *TINY, "--inputs", "seasonal"],
    "err_future_missing": [
        "{d}/cov.csv", *TINY, "--target", "y", "--covariate", "kind", "--future", "{d}/no.csv",
    ],
    "err_covariate_no_future": ["{d}/cov.csv", *TINY, "--target", "y", "--covariate", "kind"],
    "err_interval_bad": ["{d}/daily.csv", *TINY, "--interval", "150"],
    "err_not_numeric": ["{d}/text.csv", *TINY],
}  # fmt: skip


# --- the data of the EXTRA cases ------------------------------------------------------------


def write_data(folder: Path) -> None:
    """Small generated series (fixed seeds): daily with a weekly pattern, monthly, hourly, two
    targets, a covariate with its future file, one too short for a network."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)

    def save(name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(folder / name, index=False, float_format="%.3f")

    days = pd.date_range("2024-01-01", periods=150, freq="D")
    dow = np.asarray(days.day_of_week)
    weekly = 100 + 30 * (dow < 5) + np.arange(150) * 0.2 + rng.normal(0, 3, 150)
    save("daily.csv", pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": weekly}))
    noise = rng.normal(size=150)
    save("noseason.csv", pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": noise}))
    kind = np.where(dow < 5, "work", "rest")
    cov = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "y": weekly, "kind": kind})
    save("cov.csv", cov.iloc[:120])
    save("cov_long.csv", cov.assign(y=np.where(np.arange(150) < 120, weekly, np.nan)))
    save("fut.csv", cov.iloc[120:123][["date", "kind"]])
    two = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "a": weekly, "b": weekly[::-1] / 2})
    save("two.csv", two)
    months = pd.date_range("2015-01-01", periods=72, freq="MS")
    m = np.arange(72)
    monthly = 50 + 10 * np.sin(2 * np.pi * m / 12) + 0.3 * m + rng.normal(0, 1, 72)
    save("monthly.csv", pd.DataFrame({"date": months.strftime("%Y-%m-%d"), "y": monthly}))
    hours = pd.date_range("2024-03-01", periods=24 * 12, freq="h")
    step = np.arange(len(hours))
    hourly = 10 + 5 * np.sin(2 * np.pi * step / 24) + rng.normal(0, 0.5, len(hours))
    save("hourly.csv", pd.DataFrame({"date": hours.strftime("%Y-%m-%d %H:%M:%S"), "y": hourly}))
    save("short.csv", pd.DataFrame({"date": days[:14].strftime("%Y-%m-%d"), "y": weekly[:14]}))
    (folder / "text.csv").write_text("date,y\n2024-01-01,a\n2024-01-02,b\n2024-01-03,c\n")


# --- recording ------------------------------------------------------------------------------


def _normalize(text: str, roots: dict[str, str]) -> str:
    for raw, name in roots.items():
        text = text.replace(raw, name)
    tmp = re.escape(tempfile.gettempdir().rstrip("/"))
    found: dict[str, str] = {}

    def named(m: re.Match) -> str:
        return found.setdefault(m.group(0), f"<tmp-{len(found) + 1}>")

    return re.sub(tmp + r"/[A-Za-z0-9_.-]+", named, text)


def _file_record(path: Path) -> str | None:
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        return data.decode()
    except UnicodeDecodeError:
        pass
    header = _safetensors_header(data)
    if header is not None:  # its metadata's key order is a hash map's: compare it sorted
        n = 8 + int.from_bytes(data[:8], "little")
        tensors = hashlib.sha256(data[n:]).hexdigest()
        return f"safetensors header {json.dumps(header, sort_keys=True)} tensors sha256:{tensors}"
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _safetensors_header(data: bytes) -> dict | None:
    if len(data) < 8:
        return None
    n = int.from_bytes(data[:8], "little")
    try:
        header = json.loads(data[8 : 8 + n])
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict):
        return None
    meta = header.get("__metadata__", {})
    # metadata values that are JSON themselves, parsed so their own key order cannot differ
    for k, v in meta.items():
        try:
            meta[k] = json.loads(v)
        except (TypeError, ValueError):
            pass
    return header


def record(folder: Path, name: str, args: list[str], result, roots: dict[str, str]) -> None:
    """One case's JSON: arguments, exit code, stdout, stderr, escaped exception, files."""
    files = {}
    for flag, value in zip(args, args[1:], strict=False):
        if flag in OUTPUT_FLAGS:
            files[_normalize(value, roots)] = _file_record(Path(value))
    escaped = result.exception
    rec = {
        "args": [_normalize(str(a), roots) for a in args],
        "exit_code": result.exit_code,
        "stdout": _normalize(result.stdout, roots),
        "stderr": _normalize(result.stderr, roots),
        "exception": None if escaped is None or isinstance(escaped, SystemExit) else repr(escaped),
        "files": {k: None if v is None else _normalize(v, roots) for k, v in files.items()},
    }
    safe = re.sub(r"[^A-Za-z0-9_.#-]+", "_", name)
    (folder / f"{safe}.json").write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")


# --- the pytest plugin (active only when ENV_DIR is set) --------------------------------------


def pytest_configure(config) -> None:
    if not os.environ.get(ENV_DIR):
        return
    from click.testing import CliRunner

    folder = Path(os.environ[ENV_DIR])
    roots = {os.environ[ENV_BASE]: "<basetemp>"}
    original = CliRunner.invoke
    counts: dict[str, int] = {}

    def invoke(self, cli, args=None, *rest, **kw):
        result = original(self, cli, args, *rest, **kw)
        listed = [str(a) for a in (args or [])]
        if listed[:1] == ["forecast"] and "--help" not in listed:
            test = os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
            counts[test] = counts.get(test, 0) + 1
            record(folder, f"{test}#{counts[test]}", listed, result, roots)
        return result

    CliRunner.invoke = invoke


# --- the driver -----------------------------------------------------------------------------


def run_tests(folder: Path, work: Path) -> None:
    base = work / "basetemp"
    tmp = work / "tmp"
    tmp.mkdir(parents=True)
    env = {
        **os.environ,
        ENV_DIR: str(folder),
        ENV_BASE: str(base),
        "TMPDIR": str(tmp),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    }
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "same_output", "-p", "no:cacheprovider",
           f"--basetemp={base}", *TEST_FILES]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    (folder / "_pytest.txt").write_text(done.stdout[-4000:] + done.stderr[-4000:])


def run_extra(folder: Path, work: Path) -> None:
    from click.testing import CliRunner

    from tutor.cli import cli

    data = work / "data"
    data.mkdir()
    write_data(data)
    roots = {str(data): "<data>"}
    for name, template in EXTRA.items():
        args = ["forecast", *(a.format(d=data) for a in template)]
        result = CliRunner().invoke(cli, args)
        record(folder, f"extra#{name}", args, result, roots)


def record_all(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=False)
    work = Path(tempfile.mkdtemp(prefix="same-output-"))  # its paths are normalized away
    try:
        run_tests(folder, work)
        run_extra(folder, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cases = [p for p in folder.glob("*.json")]
    print(f"recorded {len(cases)} cases in {folder} (pytest's summary: {folder}/_pytest.txt)")
    return 0


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.glob("*.json")} | {p.name for p in b.glob("*.json")})
    differ = 0
    width = max((len(n) for n in names), default=10) - 5
    print(f"{'case':<{width}}  result")
    for name in names:
        pa, pb = a / name, b / name
        if not pa.exists() or not pb.exists():
            verdict = f"only in {a if pa.exists() else b}"
        elif pa.read_bytes() == pb.read_bytes():
            verdict = "same"
        else:
            ra, rb = json.loads(pa.read_text()), json.loads(pb.read_text())
            verdict = "different: " + ", ".join(k for k in ra if ra.get(k) != rb.get(k))
        differ += verdict != "same"
        print(f"{name[:-5]:<{width}}  {verdict}")
    print(f"\n{len(names) - differ} of {len(names)} cases identical")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))  # this checkout's code, not whichever one pip installed
    if len(argv) == 3 and argv[0] == "--compare":
        return compare(Path(argv[1]), Path(argv[2]))
    if len(argv) == 1 and not argv[0].startswith("-"):
        return record_all(Path(argv[0]))
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
